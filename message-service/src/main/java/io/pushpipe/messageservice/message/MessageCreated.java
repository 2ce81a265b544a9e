package io.pushpipe.messageservice.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/** The answer to a stored message: its id and when it was stored. */
record MessageCreated(UUID id, @JsonProperty("created_at") Instant createdAt) {}
