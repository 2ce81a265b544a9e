package io.pushpipe.notificationservice.dlt;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.problems.InvalidFieldException;
import io.pushpipe.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** For developers: what is in {@code message-sent-dlt}, why, and sending chosen records back. */
@RestController
@RequestMapping(path = "/admin/dlt", produces = MediaType.APPLICATION_JSON_VALUE)
class DeadLetterController {

    static final int MAX_PAGE_SIZE = 500;

    private final DeadLetterReader reader;
    private final ReplayLedger ledger;
    private final DeadLetterReplayer replayer;

    DeadLetterController(DeadLetterReader reader, ReplayLedger ledger, DeadLetterReplayer replayer) {
        this.reader = reader;
        this.ledger = ledger;
        this.replayer = replayer;
    }

    @Operation(summary = "List dead letters, newest first, filtered and paged")
    @GetMapping
    DeadLetterPage list(
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String exception,
            @RequestParam(name = "event_id", required = false) String eventId,
            @RequestParam(name = "receiver_id", required = false) String receiverId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw new InvalidFieldException("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidFieldException("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        DeadLetterReader.Scan scan =
                reader.scan(new DeadLetterFilter(since, until, reason, exception, eventId, receiverId));
        List<DeadLetter> onPage =
                scan.records().stream().skip((long) page * size).limit(size).toList();
        Set<String> replayed = ledger.replayed(onPage);
        return new DeadLetterPage(
                scan.records().size(),
                page,
                size,
                scan.truncated(),
                onPage.stream()
                        .map(r -> r.withReplayed(replayed.contains(ReplayLedger.key(r))))
                        .toList());
    }

    @Operation(summary = "One dead letter with all its headers and its payload")
    @GetMapping("/{partition}/{offset}")
    DeadLetter show(@PathVariable int partition, @PathVariable long offset) {
        DeadLetter record = reader.read(partition, offset)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND,
                        "message-sent-dlt has no record at partition " + partition + ", offset " + offset
                                + ". GET /admin/dlt lists the records there are."));
        return record.withReplayed(!ledger.replayed(List.of(record)).isEmpty());
    }

    @Operation(
            summary = "Replay dead letters to their original topic",
            description = "A dry run (the default) answers exactly what would be replayed and sends nothing.")
    @PostMapping(path = "/replay", consumes = MediaType.APPLICATION_JSON_VALUE)
    ReplayResult replay(
            @Valid @RequestBody ReplayRequest request,
            @RequestHeader(name = "X-Operator", required = false) String operator,
            Caller caller) {
        if (!request.selectsSomething()) {
            throw new InvalidFieldException(
                    "records", "select what to replay with records, event_ids or filter ({} selects everything)");
        }
        return replayer.replay(
                request,
                caller.subject().or(() -> Optional.ofNullable(operator)).orElse(caller.name()));
    }

    /** A page of {@link #list} results; {@code truncated} when the DLT was larger than one scan reads. */
    record DeadLetterPage(
            int total,
            int page,
            int size,
            boolean truncated,
            @JsonProperty("records") List<DeadLetter> records) {}
}
