package io.pushpipe.notificationservice.expo;

/** What became of one {@link ExpoPushMessage}. */
public sealed interface PushResult {

    /** Expo accepted the message; its ticket id later yields a receipt. */
    record Accepted(String ticketId) implements PushResult {}

    /**
     * Expo did not accept the message.
     *
     * @param errorCode Expo's ticket or request error ({@code DeviceNotRegistered}, {@code UNAUTHORIZED},
     *     ...) or one of the client's own codes ({@code CIRCUIT_OPEN}, {@code NOT_SENT}, {@code EXPO_UNAVAILABLE}), as stored
     *     in the delivery ledger
     * @param message what Expo or the client said
     */
    record Failed(String errorCode, String message) implements PushResult {

        /** What the failure means for pushpipe. */
        public ExpoError error() {
            return ExpoError.of(errorCode);
        }
    }
}
