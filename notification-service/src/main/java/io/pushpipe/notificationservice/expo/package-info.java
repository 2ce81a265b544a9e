/** The Expo Push API client: chunking, rate limit, retries, gzip, circuit breaker. */
package io.pushpipe.notificationservice.expo;
