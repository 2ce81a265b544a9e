package io.pushpipe.messageservice.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.common.MessageType;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * What the portal posts to {@code POST /message/send-message}. Fields it does not know are ignored.
 *
 * @param senderId the employer sending the message
 * @param receiverId the candidate to notify; must differ from the sender
 * @param messageType one of {@code text}, {@code zoom_link}, {@code form_link}, {@code status_update}
 * @param content the message text, 1 to {@value #MAX_CONTENT_LENGTH} characters (UTF-16 code units)
 */
record SendMessageRequest(
        @JsonProperty("sender_id") @NotNull UUID senderId,
        @JsonProperty("receiver_id") @NotNull UUID receiverId,
        @JsonProperty("message_type") @NotNull MessageType messageType,

        @NotBlank
        @Size(max = MAX_CONTENT_LENGTH)
        @Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character (U+0000)")
        String content) {

    static final int MAX_CONTENT_LENGTH = 10_000;
}
