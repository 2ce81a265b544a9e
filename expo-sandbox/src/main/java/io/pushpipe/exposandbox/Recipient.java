package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.Answer.JSON;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One push token of a send request, with the message it is to get and that message's size in bytes. */
record Recipient(String token, JsonNode message, int payloadBytes) {

    ReceivedNotification toNotification(String ticketId, Instant receivedAt) {
        Map<String, Object> data = message.has("data") ? JSON.convertValue(message.get("data"), Map.class) : Map.of();
        return new ReceivedNotification(
                token,
                text("title"),
                text("body"),
                data,
                text("priority"),
                text("sound"),
                text("channelId"),
                text("collapseId"),
                text("tag"),
                ticketId,
                receivedAt);
    }

    private String text(String field) {
        return message.has(field) ? message.get(field).asString() : null;
    }
}
