package io.pushpipe.notificationservice.expo;

import tools.jackson.databind.JsonNode;

/**
 * Expo refused the whole request (4xx other than 429): sending it again unchanged cannot succeed. Not
 * retried and not counted by the circuit breaker, so one bad request cannot stop delivery for everyone.
 */
class ExpoRejectedException extends RuntimeException {

    static final String TOO_MANY_EXPERIENCE_IDS = "PUSH_TOO_MANY_EXPERIENCE_IDS";

    private final String code;
    private final JsonNode details;

    ExpoRejectedException(String code, String message, JsonNode details) {
        super(message);
        this.code = code;
        this.details = details;
    }

    String code() {
        return code;
    }

    /** Expo's {@code details}; for {@link #TOO_MANY_EXPERIENCE_IDS}, each project's tokens. */
    JsonNode details() {
        return details;
    }
}
