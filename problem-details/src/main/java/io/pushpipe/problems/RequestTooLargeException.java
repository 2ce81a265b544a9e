package io.pushpipe.problems;

import java.io.IOException;

/** A request body exceeded {@code pushpipe.api.max-request-size}. Answered with 413. */
class RequestTooLargeException extends IOException {

    RequestTooLargeException(long limit) {
        super("The request body is larger than the limit of " + limit + " bytes (pushpipe.api.max-request-size). "
                + "Send a smaller body.");
    }
}
