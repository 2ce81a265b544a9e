/**
 * RFC 9457 problem details for every pushpipe HTTP API: one advice that says what was wrong and how to
 * fix it, and a request size limit. Each service imports {@link io.pushpipe.problems.ApiErrors} and
 * declares its {@link io.pushpipe.problems.RequestSizeLimitFilter}.
 */
package io.pushpipe.problems;
