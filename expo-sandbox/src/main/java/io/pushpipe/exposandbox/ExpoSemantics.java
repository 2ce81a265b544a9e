package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.Answer.JSON;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What Expo answers, apart from transport and faults: the recipients of a send request, which Expo project a
 * token belongs to, and the tickets and receipts each {@link Device} gets.
 */
final class ExpoSemantics {

    private ExpoSemantics() {}

    /** Every recipient of a send request: a message or an array of them, each {@code to} one token or several. */
    static List<Recipient> recipients(JsonNode root) {
        List<Recipient> recipients = new ArrayList<>();
        Iterable<JsonNode> messages = root.isArray() ? root : List.of(root);
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.has("to")) {
                throw new IllegalArgumentException("\"to\" is required");
            }
            int payloadBytes = JSON.writeValueAsBytes(message).length;
            JsonNode to = message.get("to");
            for (JsonNode token : to.isArray() ? to : List.of(to)) {
                recipients.add(new Recipient(token.asString(), message, payloadBytes));
            }
        }
        return recipients;
    }

    /** A token whose inner part starts with {@code projectB} belongs to the second project. */
    static String projectOf(String token) {
        int open = token.indexOf('[');
        return open >= 0 && token.startsWith("projectB", open + 1)
                ? ExpoSandbox.SECOND_PROJECT
                : ExpoSandbox.DEFAULT_PROJECT;
    }

    /** The error ticket a recipient gets instead of an ok one: its device's, else a payload over the limit. */
    static Optional<ObjectNode> errorTicket(Recipient recipient) {
        return Device.of(recipient.token())
                .flatMap(Device::ticketErrorIfAny)
                .or(() -> recipient.payloadBytes() > ExpoSandbox.MAX_PAYLOAD_BYTES
                        ? Optional.of(PushError.MESSAGE_TOO_BIG)
                        : Optional.empty())
                .map(error -> {
                    ObjectNode ticket = JSON.createObjectNode();
                    ticket.put("status", "error");
                    ticket.put("message", error.ticketMessage(recipient.token(), recipient.payloadBytes()));
                    ObjectNode details = ticket.putObject("details");
                    details.put("error", error.code());
                    details.put("expoPushToken", recipient.token());
                    return ticket;
                });
    }

    static ObjectNode okTicket(String id) {
        ObjectNode ticket = JSON.createObjectNode();
        ticket.put("status", "ok");
        ticket.put("id", id);
        return ticket;
    }

    /** The receipt of an ok ticket sent to {@code token}. */
    static ObjectNode receipt(String token) {
        ObjectNode receipt = JSON.createObjectNode();
        Optional<PushError> error = Device.of(token).flatMap(Device::receiptErrorIfAny);
        if (error.isEmpty()) {
            return receipt.put("status", "ok");
        }
        receipt.put("status", "error");
        receipt.put("message", error.get().receiptMessage());
        receipt.putObject("details").put("error", error.get().code());
        return receipt;
    }
}
