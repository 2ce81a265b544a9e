package io.pushpipe.notificationservice.dlt;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.notificationservice.dlt.DeadLetterReader.Position;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Sends chosen dead letters back to the topic they came from: same key (so the same partition and order
 * per receiver), same payload and event id, the original headers without Spring Kafka's {@code
 * kafka_dlt-*} ones and pushpipe's reason, plus {@code pushpipe-replayed-at} and {@code
 * pushpipe-replayed-from}. Replayed events take the normal delivery path, whose ledger makes sure no device
 * gets a push it already got. A record already replayed is skipped unless forced.
 *
 * <p>The selection is worked through in pages of {@code pushpipe.dlt.replay-page-size}: each page is checked
 * against {@code dlt_replays}, read back with its payloads, sent and recorded before the next, so a replay
 * of tens of thousands of dead letters holds one page of payloads at a time and no statement grows with
 * the selection.
 */
@Component
class DeadLetterReplayer {

    static final String REPLAYED_AT = "pushpipe-replayed-at";
    static final String REPLAYED_FROM = "pushpipe-replayed-from";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplayer.class);

    private final DeadLetterReader reader;
    private final ReplayLedger ledger;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Clock clock = Clock.systemUTC();
    private final int pageSize;

    @Autowired
    DeadLetterReplayer(
            DeadLetterReader reader, ReplayLedger ledger, KafkaTemplate<String, byte[]> kafka, DltProperties settings) {
        this(reader, ledger, kafka, settings.replayPageSize());
    }

    DeadLetterReplayer(
            DeadLetterReader reader, ReplayLedger ledger, KafkaTemplate<String, byte[]> kafka, int pageSize) {
        this.reader = reader;
        this.ledger = ledger;
        this.kafka = kafka;
        this.pageSize = pageSize;
    }

    /** Replays the records the request selects: by partition and offset, by event id, or by filter. */
    ReplayResult replay(ReplayRequest request, String caller) {
        List<DeadLetter> selected = new ArrayList<>();
        List<ReplayResult.Item> missing = new ArrayList<>();
        if (request.records() != null && !request.records().isEmpty()) {
            Map<Position, ConsumerRecord<String, byte[]>> found = reader.records(request.records().stream()
                    .map(ref -> new Position(ref.partition(), ref.offset()))
                    .toList());
            for (ReplayRequest.RecordRef ref : request.records()) {
                Optional.ofNullable(found.get(new Position(ref.partition(), ref.offset())))
                        .map(record -> DeadLetterReader.toDeadLetter(record, false))
                        .ifPresentOrElse(selected::add, () -> missing.add(ReplayResult.Item.missing(ref)));
            }
        } else if (request.eventIds() != null && !request.eventIds().isEmpty()) {
            Set<String> eventIds = request.eventIds().stream()
                    .filter(java.util.Objects::nonNull)
                    .collect(java.util.stream.Collectors.toSet());
            reader.scan(DeadLetterFilter.ALL).records().stream()
                    .filter(record -> record.eventId() != null && eventIds.contains(record.eventId()))
                    .forEach(selected::add);
        } else {
            selected.addAll(reader.scan(request.filter()).records());
        }
        return replay(selected, missing, request.isDryRun(), request.isForced(), caller);
    }

    private ReplayResult replay(
            List<DeadLetter> selected, List<ReplayResult.Item> missing, boolean dryRun, boolean force, String caller) {
        List<ReplayResult.Item> items = new ArrayList<>(missing);
        for (int from = 0; from < selected.size(); from += pageSize) {
            items.addAll(replayPage(
                    selected.subList(from, Math.min(selected.size(), from + pageSize)), dryRun, force, caller));
        }
        return ReplayResult.of(dryRun, items);
    }

    private List<ReplayResult.Item> replayPage(
            List<DeadLetter> selected, boolean dryRun, boolean force, String caller) {
        Set<String> replayedBefore = ledger.replayed(selected);
        List<ReplayResult.Item> items = new ArrayList<>();
        List<DeadLetter> toSend = new ArrayList<>();
        for (DeadLetter record : selected) {
            boolean replayed = replayedBefore.contains(ReplayLedger.key(record));
            if (record.originalTopic() == null) {
                items.add(ReplayResult.Item.skipped(record, "it has no kafka_dlt-original-topic header"));
            } else if (replayed && !force) {
                items.add(ReplayResult.Item.skipped(record, "already replayed; set force to replay it again"));
            } else if (dryRun) {
                items.add(ReplayResult.Item.of(record, ReplayResult.Outcome.WOULD_REPLAY, null));
            } else {
                toSend.add(record);
            }
        }
        items.addAll(republish(toSend, replayedBefore, caller));
        return items;
    }

    /**
     * Reads the records once, sends them all, then waits for every acknowledgement and records the
     * replays in one batch: no round trip per record.
     */
    private List<ReplayResult.Item> republish(List<DeadLetter> letters, Set<String> replayedBefore, String caller) {
        Map<Position, ConsumerRecord<String, byte[]>> raw =
                reader.records(letters.stream().map(Position::of).toList());
        Map<DeadLetter, CompletableFuture<SendResult<String, byte[]>>> sends = new LinkedHashMap<>();
        List<ReplayResult.Item> items = new ArrayList<>();
        for (DeadLetter letter : letters) {
            ConsumerRecord<String, byte[]> record = raw.get(Position.of(letter));
            if (record == null) {
                items.add(ReplayResult.Item.skipped(letter, "the record is no longer in the DLT"));
            } else {
                sends.put(letter, kafka.send(toReplay(letter, record)));
            }
        }
        List<ReplayLedger.Replay> replays = new ArrayList<>();
        for (Map.Entry<DeadLetter, CompletableFuture<SendResult<String, byte[]>>> send : sends.entrySet()) {
            DeadLetter letter = send.getKey();
            try {
                RecordMetadata sent = send.getValue().get(30, TimeUnit.SECONDS).getRecordMetadata();
                boolean forced = replayedBefore.contains(ReplayLedger.key(letter));
                replays.add(
                        new ReplayLedger.Replay(letter, sent.topic(), sent.partition(), sent.offset(), forced, caller));
                items.add(ReplayResult.Item.of(letter, ReplayResult.Outcome.REPLAYED, null));
                log.info(
                        "Dead letter replayed from partition={} offset={} eventId={} to {}-{}@{} by {}",
                        letter.partition(),
                        letter.offset(),
                        letter.eventId(),
                        sent.topic(),
                        sent.partition(),
                        sent.offset(),
                        caller);
            } catch (ExecutionException | TimeoutException e) {
                items.add(ReplayResult.Item.skipped(letter, "Kafka did not take the record: " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                items.add(ReplayResult.Item.skipped(letter, "interrupted"));
            }
        }
        ledger.record(replays);
        return items;
    }

    /** The original record for its original topic, without the dead-letter headers, with replay headers. */
    private ProducerRecord<String, byte[]> toReplay(DeadLetter letter, ConsumerRecord<String, byte[]> record) {
        ProducerRecord<String, byte[]> replay =
                new ProducerRecord<>(letter.originalTopic(), null, record.key(), record.value());
        for (Header header : record.headers()) {
            if (!header.key().startsWith("kafka_dlt-") && !header.key().equals(EventHeaders.DLT_REASON)) {
                replay.headers().add(header);
            }
        }
        replay.headers().add(REPLAYED_AT, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        replay.headers()
                .add(
                        REPLAYED_FROM,
                        (record.topic() + "/" + record.partition() + "@" + record.offset())
                                .getBytes(StandardCharsets.UTF_8));
        return replay;
    }
}
