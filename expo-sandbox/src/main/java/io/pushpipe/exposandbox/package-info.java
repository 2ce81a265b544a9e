/** An HTTP stand-in for the Expo Push API, for tests, the local stack and the benchmark. */
package io.pushpipe.exposandbox;
