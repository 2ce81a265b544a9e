package io.pushpipe.messageservice.message;

import io.pushpipe.problems.ForbiddenException;
import io.pushpipe.problems.InvalidFieldException;
import io.pushpipe.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The portal's message API. Answers as soon as the message and its event are committed. */
@RestController
@RequestMapping(path = "/message", produces = MediaType.APPLICATION_JSON_VALUE)
class MessageController {

    private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    private static final Logger log = LoggerFactory.getLogger(MessageController.class);

    private final MessageStore messages;
    private final SenderRules senders;

    MessageController(MessageStore messages, SenderRules senders) {
        this.messages = messages;
        this.senders = senders;
    }

    @Operation(summary = "Store a message and queue its push notification")
    @ApiResponse(responseCode = "201", description = "Stored; the notification is on its way")
    @ApiResponse(
            responseCode = "400",
            description = "A field is missing or invalid; the problem names it",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The token's subject is not sender_id (and its role is not service_role), or the sender"
                    + " rules do not let the caller's kind of user send this message type",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "413",
            description = "The body is larger than the configured limit",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "503",
            description = "The database is unreachable; nothing was stored",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/send-message", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MessageCreated> sendMessage(@Valid @RequestBody SendMessageRequest request, Caller caller) {
        caller.requireActingFor(request.senderId(), "sender_id");
        senders.requireMaySend(caller, request.messageType());
        if (request.senderId().equals(request.receiverId())) {
            throw new InvalidFieldException("receiver_id", "must differ from sender_id");
        }
        Message message = messages.store(request);
        log.info(
                "Message stored messageId={} receiverId={} type={}",
                message.id(),
                message.receiverId(),
                message.messageType().wireName());
        return ResponseEntity.created(URI.create("/message/" + message.id()))
                .body(new MessageCreated(message.id(), message.createdAt()));
    }

    @Operation(summary = "Read a stored message")
    @ApiResponse(responseCode = "200", description = "The message")
    @ApiResponse(
            responseCode = "403",
            description = "The caller is neither the sender nor the receiver (nor service_role)",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No message has this id",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping("/{id}")
    Message getMessage(@PathVariable UUID id, Caller caller) {
        Message message = messages.findById(id)
                .orElseThrow(
                        () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No message has the id " + id + "."));
        if (!caller.mayActFor(message.senderId()) && !caller.mayActFor(message.receiverId())) {
            throw new ForbiddenException(
                    "read another user's message",
                    "Only the sender, the receiver or the service_role role may read message " + id + ".");
        }
        return message;
    }
}
