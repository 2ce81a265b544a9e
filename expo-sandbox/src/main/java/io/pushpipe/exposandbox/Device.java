package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.PushError.DEVICE_NOT_REGISTERED;
import static io.pushpipe.exposandbox.PushError.INVALID_CREDENTIALS;
import static io.pushpipe.exposandbox.PushError.MESSAGE_RATE_EXCEEDED;

import java.util.List;
import java.util.Optional;

/**
 * A kind of device the sandbox plays, chosen by a marker in the push token: what the send ticket says at once
 * and what the receipt says later.
 *
 * @param marker the text a token contains to be this device
 * @param ticketError the ticket's error; null for an ok ticket
 * @param receiptError the receipt's error; null for an ok receipt
 */
record Device(String marker, PushError ticketError, PushError receiptError) {

    /**
     * The devices, in the order they are looked for: the first whose marker the token contains decides; a token
     * with none is a healthy device (ok ticket, ok receipt). A ticket error means no ticket id, so no receipt.
     */
    static final List<Device> TABLE = List.of(
            new Device("Dead", DEVICE_NOT_REGISTERED, null),
            new Device("RateExceeded", MESSAGE_RATE_EXCEEDED, null),
            new Device("BadCredentials", INVALID_CREDENTIALS, null),
            new Device("Gone", null, DEVICE_NOT_REGISTERED),
            new Device("ProviderCredentials", null, INVALID_CREDENTIALS),
            new Device("ReceiptRate", null, MESSAGE_RATE_EXCEEDED));

    /** The device a token stands for; empty for a healthy one. */
    static Optional<Device> of(String token) {
        return TABLE.stream().filter(device -> token.contains(device.marker)).findFirst();
    }

    Optional<PushError> ticketErrorIfAny() {
        return Optional.ofNullable(ticketError);
    }

    Optional<PushError> receiptErrorIfAny() {
        return Optional.ofNullable(receiptError);
    }
}
