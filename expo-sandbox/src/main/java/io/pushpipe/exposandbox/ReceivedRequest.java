package io.pushpipe.exposandbox;

import java.time.Instant;

/**
 * A send request the sandbox received.
 *
 * @param receivedAt when it arrived
 * @param recipients how many push tokens it addressed (0 when it was refused before they were counted)
 * @param gzipped whether its body was gzip-compressed
 * @param authorized whether it carried an Authorization header
 * @param status the HTTP status the sandbox answered with
 */
public record ReceivedRequest(Instant receivedAt, int recipients, boolean gzipped, boolean authorized, int status) {}
