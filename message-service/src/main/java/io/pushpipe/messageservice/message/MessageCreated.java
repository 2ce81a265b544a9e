package io.pushpipe.messageservice.message;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import tools.jackson.databind.annotation.JsonNaming;

/** The answer to a stored message: its id and when it was stored. */
@JsonNaming(SnakeCaseStrategy.class)
record MessageCreated(UUID id, Instant createdAt) {}
