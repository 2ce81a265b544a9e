package io.pushpipe.messageservice.message;

import io.pushpipe.common.MessageType;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import tools.jackson.databind.annotation.JsonNaming;

/** A stored message, as {@code GET /message/{id}} returns it. */
@JsonNaming(SnakeCaseStrategy.class)
record Message(UUID id, UUID senderId, UUID receiverId, MessageType messageType, String content, Instant createdAt) {}
