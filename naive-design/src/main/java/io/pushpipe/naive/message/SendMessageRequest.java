package io.pushpipe.naive.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.common.MessageType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** What the portal posts, validated as message-service validates it. */
record SendMessageRequest(
        @JsonProperty("sender_id") @NotNull UUID senderId,
        @JsonProperty("receiver_id") @NotNull UUID receiverId,
        @JsonProperty("message_type") @NotNull MessageType messageType,

        @NotBlank
        @Size(max = 10_000)
        @Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character (U+0000)")
        String content) {}
