package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.LedgerPush;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
import org.apache.kafka.common.utils.Utils;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Reads events back from {@code message-sent}: notification-service keeps no payloads, so an event to send
 * again or to dead-letter after the fact (a receipt's verdict, a restored quarantine) is found there. Its
 * partition follows from its key, the receiver; its offset from the time of its first push.
 */
@Component
public class EventArchive {

    /** How long a push of an event may have been answered after the event was written. */
    static final Duration SLACK = Duration.ofMinutes(10);

    /** How long an event may have waited in {@code message-sent} before its first push and still be found. */
    static final Duration LOOKBACK = Duration.ofHours(1);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> consumerConfig;

    EventArchive(KafkaProperties kafkaProperties) {
        Map<String, Object> config = new LinkedHashMap<>(kafkaProperties.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumerConfig = config;
    }

    /**
     * The events' records in {@code message-sent}: per partition (from the key), from the earliest time one
     * of them may have been written to the latest, stopping as soon as all are found.
     */
    public Map<UUID, ConsumerRecord<String, byte[]>> find(Collection<LedgerPush> pushes) {
        Map<UUID, List<LedgerPush>> byEvent = pushes.stream()
                .collect(Collectors.groupingBy(LedgerPush::eventId, LinkedHashMap::new, Collectors.toList()));
        Map<UUID, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.MESSAGE_SENT, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return found;
            }
            int partitions = infos.size();
            Map<Integer, List<LedgerPush>> byPartition = byEvent.values().stream()
                    .map(list -> list.get(0))
                    .collect(Collectors.groupingBy(push -> partitionOf(push.userId(), partitions)));
            for (Map.Entry<Integer, List<LedgerPush>> entry : byPartition.entrySet()) {
                TopicPartition partition = new TopicPartition(Topics.MESSAGE_SENT, entry.getKey());
                Set<String> wanted = entry.getValue().stream()
                        .map(push -> push.eventId().toString())
                        .collect(Collectors.toSet());
                Instant earliest = entry.getValue().stream()
                        .map(LedgerPush::firstTriedAt)
                        .min(Comparator.naturalOrder())
                        .orElseThrow()
                        .minus(LOOKBACK);
                long latest = entry.getValue().stream()
                        .map(LedgerPush::firstTriedAt)
                        .max(Comparator.naturalOrder())
                        .orElseThrow()
                        .plus(SLACK)
                        .toEpochMilli();
                consumer.assign(List.of(partition));
                long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
                OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, earliest.toEpochMilli()), TIMEOUT)
                        .get(partition);
                if (start == null) {
                    continue;
                }
                consumer.seek(partition, start.offset());
                long deadline = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
                scan:
                while (consumer.position(partition, TIMEOUT) < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.offset() >= end || record.timestamp() > latest) {
                            break scan;
                        }
                        Header id = record.headers().lastHeader(EventHeaders.EVENT_ID);
                        String eventId = id == null ? null : new String(id.value(), StandardCharsets.UTF_8);
                        if (eventId != null && wanted.remove(eventId)) {
                            found.put(UUID.fromString(eventId), record);
                            if (wanted.isEmpty()) {
                                break scan;
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    /** The partition the producer's default partitioner picks for this receiver's key. */
    private static int partitionOf(UUID receiver, int partitions) {
        return Utils.toPositive(Utils.murmur2(receiver.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
