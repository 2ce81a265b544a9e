package io.pushpipe.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A message was stored by message-service and its receiver should be notified.
 *
 * <p>Published to {@link Topics#MESSAGE_SENT} with the receiver id as the record key. The event id is
 * minted once, when the message is stored, and stays the same through redeliveries and replays: it is
 * what consumers deduplicate on.
 *
 * <p>Schema evolution: fields are only ever added, never renamed or removed; readers ignore fields
 * they do not know, and an event without {@code schema_version} is version 1.
 *
 * @param eventId unique id of this event
 * @param messageId id of the stored message
 * @param senderId user who sent the message (the employer)
 * @param receiverId user to notify (the candidate); also the Kafka record key
 * @param messageType what the message is about
 * @param content the message text as the sender wrote it
 * @param occurredAt when the message was stored
 * @param schemaVersion version of this event's schema the producer wrote
 */
public record MessageSent(
        @JsonProperty("event_id") UUID eventId,
        @JsonProperty("message_id") UUID messageId,
        @JsonProperty("sender_id") UUID senderId,
        @JsonProperty("receiver_id") UUID receiverId,
        @JsonProperty("message_type") MessageType messageType,
        @JsonProperty("content") String content,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("schema_version") Integer schemaVersion) {

    /** The value of the {@link EventHeaders#EVENT_TYPE} header for this event. */
    public static final String EVENT_TYPE = "MessageSent";

    /** The schema version this code writes. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public MessageSent {
        Objects.requireNonNull(eventId, "event_id is required");
        Objects.requireNonNull(messageId, "message_id is required");
        Objects.requireNonNull(senderId, "sender_id is required");
        Objects.requireNonNull(receiverId, "receiver_id is required");
        Objects.requireNonNull(messageType, "message_type is required");
        Objects.requireNonNull(content, "content is required");
        Objects.requireNonNull(occurredAt, "occurred_at is required");
        schemaVersion = schemaVersion == null ? 1 : schemaVersion;
    }

    /** A new event at the current schema version. */
    public static MessageSent of(
            UUID eventId,
            UUID messageId,
            UUID senderId,
            UUID receiverId,
            MessageType messageType,
            String content,
            Instant occurredAt) {
        return new MessageSent(
                eventId, messageId, senderId, receiverId, messageType, content, occurredAt, CURRENT_SCHEMA_VERSION);
    }
}
