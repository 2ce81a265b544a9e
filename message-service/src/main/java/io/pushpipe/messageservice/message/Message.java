package io.pushpipe.messageservice.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import java.time.Instant;
import java.util.UUID;

/** A stored message, as {@code GET /message/{id}} returns it. */
record Message(
        UUID id,
        @JsonProperty("sender_id") UUID senderId,
        @JsonProperty("receiver_id") UUID receiverId,
        @JsonProperty("message_type") MessageType messageType,
        String content,
        @JsonProperty("created_at") Instant createdAt) {

    /** The event that tells the rest of the system this message was sent, with a new event id. */
    MessageSent announce() {
        return MessageSent.of(UUID.randomUUID(), id, senderId, receiverId, messageType, content, createdAt);
    }
}
