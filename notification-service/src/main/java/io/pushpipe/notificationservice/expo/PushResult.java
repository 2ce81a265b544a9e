package io.pushpipe.notificationservice.expo;

/** What became of one {@link ExpoPushMessage}. */
public sealed interface PushResult {

    /** Expo accepted the message; its ticket id later yields a receipt. */
    record Accepted(String ticketId) implements PushResult {}

    /**
     * Expo did not accept the message.
     *
     * @param errorCode Expo's ticket error ({@code DeviceNotRegistered}, {@code MessageTooBig}, ...) or one
     *     of pushpipe's request-level codes: {@link #CIRCUIT_OPEN}, {@link #EXPO_UNAVAILABLE}, or Expo's
     *     request error code such as {@code UNAUTHORIZED}
     * @param message what Expo or the client said
     * @param transientFailure true when sending the same message later may succeed
     */
    record Failed(String errorCode, String message, boolean transientFailure) implements PushResult {

        /** The circuit breaker refused the call: Expo has been failing, nothing was sent. */
        public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";

        /** Expo kept answering 429, 5xx, garbage or nothing, through every retry. */
        public static final String EXPO_UNAVAILABLE = "EXPO_UNAVAILABLE";
    }
}
