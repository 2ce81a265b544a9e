package io.pushpipe.notificationservice.dlt;

import io.pushpipe.common.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends chosen dead letters back to the topic they came from: same key (so the same partition and order
 * per receiver), same payload and event id, the original headers without Spring Kafka's {@code
 * kafka_dlt-*} ones and pushpipe's reason, plus {@code pushpipe-replayed-at} and {@code
 * pushpipe-replayed-from}. Replayed events take the normal delivery path, whose ledger makes sure no device
 * gets a push it already got. A record already replayed is skipped unless forced.
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

    DeadLetterReplayer(DeadLetterReader reader, ReplayLedger ledger, KafkaTemplate<String, byte[]> kafka) {
        this.reader = reader;
        this.ledger = ledger;
        this.kafka = kafka;
    }

    /** Replays the records the request selects: by partition and offset, by event id, or by filter. */
    ReplayResult replay(ReplayRequest request, String caller) {
        List<DeadLetter> selected = new ArrayList<>();
        List<ReplayResult.Item> missing = new ArrayList<>();
        if (request.records() != null && !request.records().isEmpty()) {
            for (ReplayRequest.RecordRef ref : request.records()) {
                reader.read(ref.partition(), ref.offset())
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
        Set<String> replayedBefore = ledger.replayed(selected);
        List<ReplayResult.Item> items = new ArrayList<>(missing);
        for (DeadLetter record : selected) {
            boolean replayed = replayedBefore.contains(ReplayLedger.key(record));
            if (record.originalTopic() == null) {
                items.add(ReplayResult.Item.skipped(record, "it has no kafka_dlt-original-topic header"));
            } else if (replayed && !force) {
                items.add(ReplayResult.Item.skipped(record, "already replayed; set force to replay it again"));
            } else if (dryRun) {
                items.add(ReplayResult.Item.of(record, ReplayResult.Outcome.WOULD_REPLAY, null));
            } else {
                items.add(republish(record, force && replayed, caller));
            }
        }
        return ReplayResult.of(dryRun, items);
    }

    private ReplayResult.Item republish(DeadLetter letter, boolean forced, String caller) {
        Optional<ConsumerRecord<String, byte[]>> raw = reader.raw(letter.partition(), letter.offset());
        if (raw.isEmpty()) {
            return ReplayResult.Item.skipped(letter, "the record is no longer in the DLT");
        }
        ConsumerRecord<String, byte[]> record = raw.get();
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
        try {
            RecordMetadata sent = kafka.send(replay).get(30, TimeUnit.SECONDS).getRecordMetadata();
            ledger.record(letter, sent.topic(), sent.partition(), sent.offset(), forced, caller);
            log.info(
                    "Dead letter replayed from partition={} offset={} eventId={} to {}-{}@{} by {}",
                    letter.partition(),
                    letter.offset(),
                    letter.eventId(),
                    sent.topic(),
                    sent.partition(),
                    sent.offset(),
                    caller);
            return ReplayResult.Item.of(letter, ReplayResult.Outcome.REPLAYED, null);
        } catch (ExecutionException | TimeoutException e) {
            return ReplayResult.Item.skipped(letter, "Kafka did not take the record: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReplayResult.Item.skipped(letter, "interrupted");
        }
    }
}
