package io.pushpipe.notificationservice.expo;

import io.pushpipe.notificationservice.token.ExpoTokens;

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
     * @param message what Expo or the client said, with any token in it masked: it reaches logs, the
     *     ledger and API answers
     */
    record Failed(String errorCode, String message) implements PushResult {

        public Failed {
            message = ExpoTokens.maskWithin(message);
        }

        /** What the failure means for pushpipe. */
        public ExpoError error() {
            return ExpoError.of(errorCode);
        }
    }
}
