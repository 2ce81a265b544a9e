package io.pushpipe.naive.message;

import io.pushpipe.problems.InvalidFieldException;
import io.pushpipe.security.Caller;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The portal's message API: answers once the message is stored, and the push follows in the background. */
@RestController
class MessageController {

    private static final Logger log = LoggerFactory.getLogger(MessageController.class);

    private final MessageStore messages;
    private final InlinePush pushes;

    MessageController(MessageStore messages, InlinePush pushes) {
        this.messages = messages;
        this.pushes = pushes;
    }

    @PostMapping(
            path = "/message/send-message",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, UUID>> sendMessage(@Valid @RequestBody SendMessageRequest request, Caller caller) {
        caller.requireActingFor(request.senderId(), "sender_id");
        if (request.senderId().equals(request.receiverId())) {
            throw new InvalidFieldException("receiver_id", "must differ from sender_id");
        }
        UUID id = messages.store(request);
        log.info("Message stored messageId={} receiverId={}", id, request.receiverId());
        pushes.sendLater(id, request);
        return ResponseEntity.created(URI.create("/message/" + id)).body(Map.of("id", id));
    }
}
