package io.pushpipe.exposandbox;

/**
 * An error code Expo puts in tickets and receipts ({@code details.error}), with the messages the sandbox sends
 * alongside it.
 *
 * @param code the code as Expo spells it, for example {@code DeviceNotRegistered}
 * @param ticketMessage the ticket's message; {@code %1$s} is the token, {@code %2$d} the payload's bytes
 * @param receiptMessage the receipt's message; null for an error only tickets carry
 */
record PushError(String code, String ticketMessage, String receiptMessage) {

    static final PushError DEVICE_NOT_REGISTERED = new PushError(
            "DeviceNotRegistered",
            "\"%1$s\" is not a registered push notification recipient",
            "The device cannot receive push notifications anymore");
    static final PushError MESSAGE_RATE_EXCEEDED = new PushError(
            "MessageRateExceeded",
            "Message rate exceeded for this device",
            "Message rate exceeded for this device: send to it less often and retry with backoff");
    static final PushError INVALID_CREDENTIALS = new PushError(
            "InvalidCredentials",
            "The push notification credentials for this app are invalid",
            "The push notification credentials for this app are invalid");
    /** Decided by the payload's size, never by the token. */
    static final PushError MESSAGE_TOO_BIG =
            new PushError("MessageTooBig", "Message too big: the payload is %2$d bytes", null);

    String ticketMessage(String token, int payloadBytes) {
        return ticketMessage.formatted(token, payloadBytes);
    }
}
