package io.pushpipe.notificationservice.expo;

/**
 * Expo answered 429: the project is over its limit. Retried like any answer Expo may take later, but not
 * counted by the circuit breaker: Expo is up, and the send budget slows the group down instead ({@link
 * ExpoSendBudget#slowDown}), so that a burst of 429s never pauses consumption for everyone.
 */
class ExpoThrottledException extends ExpoUnavailableException {

    ExpoThrottledException(String message) {
        super(message);
    }
}
