package io.pushpipe.notificationservice.expo;

/**
 * Expo could not take the request now: 429, 5xx, a timeout, a network error or an answer that is not
 * Expo's JSON. Retried with back-off, and counted by the circuit breaker, except a 429 ({@link
 * ExpoThrottledException}).
 */
class ExpoUnavailableException extends RuntimeException {

    ExpoUnavailableException(String message) {
        super(message);
    }

    ExpoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
