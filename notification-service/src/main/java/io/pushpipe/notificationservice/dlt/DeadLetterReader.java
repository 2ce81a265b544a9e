package io.pushpipe.notificationservice.dlt;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Reads {@code message-sent-dlt} with a consumer of its own that joins no group and commits nothing, so
 * reading never disturbs the delivery consumers. A scan reads from {@code since} (or the beginning) to the
 * end offsets of the moment it started, at most {@link #MAX_SCAN} records.
 */
@Component
class DeadLetterReader {

    /** The most records one scan reads; the DLT holds events that need a person, so it stays small. */
    static final int MAX_SCAN = 100_000;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> NUMERIC_HEADERS = Set.of(
            KafkaHeaders.DLT_ORIGINAL_PARTITION, KafkaHeaders.DLT_ORIGINAL_OFFSET, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP);

    private final Map<String, Object> consumerConfig;

    DeadLetterReader(KafkaProperties kafka) {
        Map<String, Object> config = new LinkedHashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumerConfig = config;
    }

    /** The dead letters matching the filter, newest first. */
    Scan scan(DeadLetterFilter filter) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            if (partitions.isEmpty()) {
                return new Scan(List.of(), false);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            seekToStart(consumer, partitions, filter);
            List<DeadLetter> matching = new ArrayList<>();
            int read = 0;
            long deadline = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
            while (!reachedEnd(consumer, end) && read < MAX_SCAN && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    read++;
                    DeadLetter letter = toDeadLetter(record, false);
                    if (filter.matches(letter)) {
                        matching.add(letter);
                    }
                }
            }
            matching.sort(Comparator.comparing(DeadLetter::timestamp)
                    .thenComparing(DeadLetter::partition)
                    .thenComparing(DeadLetter::offset)
                    .reversed());
            return new Scan(matching, read >= MAX_SCAN || !reachedEnd(consumer, end));
        }
    }

    /** The record at this partition and offset, with all its headers and its payload. */
    Optional<DeadLetter> read(int partition, long offset) {
        Position position = new Position(partition, offset);
        return Optional.ofNullable(records(List.of(position)).get(position)).map(record -> toDeadLetter(record, true));
    }

    /**
     * The records at these positions as Kafka holds them, read with one consumer: per partition from the
     * lowest position wanted to the highest. Positions that hold no record are absent from the answer.
     */
    Map<Position, ConsumerRecord<String, byte[]>> records(Collection<Position> positions) {
        Map<Position, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        if (positions.isEmpty()) {
            return found;
        }
        Set<Position> wantedPositions = Set.copyOf(positions);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, LongSummaryStatistics> wanted = positions.stream()
                    .collect(Collectors.groupingBy(
                            p -> new TopicPartition(Topics.MESSAGE_SENT_DLT, p.partition()),
                            Collectors.summarizingLong(Position::offset)));
            List<TopicPartition> partitions =
                    partitions(consumer).stream().filter(wanted::containsKey).toList();
            if (partitions.isEmpty()) {
                return found;
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            for (TopicPartition partition : partitions) {
                consumer.seek(
                        partition,
                        Math.max(start.get(partition), wanted.get(partition).getMin()));
                end.merge(partition, wanted.get(partition).getMax() + 1, Math::min);
            }
            long deadline = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Position position = new Position(record.partition(), record.offset());
                    if (wantedPositions.contains(position)) {
                        found.put(position, record);
                    }
                }
            }
            return found;
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).get(Topics.MESSAGE_SENT_DLT);
        return infos == null
                ? List.of()
                : infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .toList();
    }

    private static void seekToStart(
            KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, DeadLetterFilter filter) {
        if (filter.since() == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> at = new LinkedHashMap<>();
        partitions.forEach(p -> at.put(p, filter.since().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        partitions.forEach(p -> consumer.seek(
                p, found.get(p) == null ? end.get(p) : found.get(p).offset()));
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), TIMEOUT) >= e.getValue());
    }

    static DeadLetter toDeadLetter(ConsumerRecord<String, byte[]> record, boolean withDetails) {
        Optional<MessageSent> event = decode(record.value());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), headerText(header));
        }
        return new DeadLetter(
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                record.key(),
                headers.get(EventHeaders.EVENT_ID),
                event.map(e -> e.messageType().wireName()).orElse(null),
                event.map(e -> e.receiverId().toString()).orElse(null),
                headers.get(EventHeaders.DLT_REASON),
                headers.get(KafkaHeaders.DLT_EXCEPTION_FQCN),
                headers.get(KafkaHeaders.DLT_EXCEPTION_MESSAGE),
                headers.get(KafkaHeaders.DLT_ORIGINAL_TOPIC),
                Optional.ofNullable(headers.get(KafkaHeaders.DLT_ORIGINAL_PARTITION))
                        .map(Integer::valueOf)
                        .orElse(null),
                Optional.ofNullable(headers.get(KafkaHeaders.DLT_ORIGINAL_OFFSET))
                        .map(Long::valueOf)
                        .orElse(null),
                false,
                withDetails ? headers : null,
                withDetails && record.value() != null ? new String(record.value(), StandardCharsets.UTF_8) : null);
    }

    /** A header as text: Spring Kafka writes the original partition, offset and timestamp as binary numbers. */
    private static String headerText(Header header) {
        byte[] value = header.value();
        if (value == null) {
            return null;
        }
        if (NUMERIC_HEADERS.contains(header.key()) && value.length == Integer.BYTES) {
            return String.valueOf(ByteBuffer.wrap(value).getInt());
        }
        if (NUMERIC_HEADERS.contains(header.key()) && value.length == Long.BYTES) {
            return String.valueOf(ByteBuffer.wrap(value).getLong());
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static Optional<MessageSent> decode(byte[] value) {
        try {
            return Optional.of(MessageSentCodec.decode(value));
        } catch (MessageSentCodec.MalformedEventException e) {
            return Optional.empty();
        }
    }

    /** Where a record stands in {@code message-sent-dlt}. */
    record Position(int partition, long offset) {

        static Position of(DeadLetter record) {
            return new Position(record.partition(), record.offset());
        }
    }

    /** The result of a scan; {@code truncated} when the DLT was larger than one scan reads. */
    record Scan(List<DeadLetter> records, boolean truncated) {}
}
