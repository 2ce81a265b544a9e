package io.pushpipe.messageservice.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.messageservice.IntegrationTest;
import io.pushpipe.messageservice.PortalClient;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TopicReader;
import io.pushpipe.topics.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;

class OutboxRelayTests extends IntegrationTest {

    private static final UUID EMPLOYER = UUID.fromString("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    TopicProvisioner topics;

    @Autowired
    OutboxProperties properties;

    @Test
    void publishesTheEventKeyedByReceiverWithItsIdInTheHeadersAndEmptiesTheOutbox() {
        UUID receiver = UUID.randomUUID();
        UUID messageId = new PortalClient(port).send(EMPLOYER, receiver, "Your application was received 📋");

        List<ConsumerRecord<String, byte[]>> records = readEventsFor(Set.of(receiver), 1);

        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        MessageSent event = MessageSentCodec.decode(record.value());
        assertThat(record.key()).isEqualTo(receiver.toString());
        assertThat(header(record, EventHeaders.EVENT_ID))
                .isEqualTo(event.eventId().toString());
        assertThat(header(record, EventHeaders.EVENT_TYPE)).isEqualTo(MessageSent.EVENT_TYPE);
        assertThat(event.messageId()).isEqualTo(messageId);
        assertThat(event.senderId()).isEqualTo(EMPLOYER);
        assertThat(event.receiverId()).isEqualTo(receiver);
        assertThat(event.messageType()).isEqualTo(MessageType.TEXT);
        assertThat(event.content()).isEqualTo("Your application was received 📋");
        assertThat(event.schemaVersion()).isEqualTo(MessageSent.CURRENT_SCHEMA_VERSION);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select count(*) from outbox where event_id = :id")
                                .param("id", event.eventId())
                                .query(Long.class)
                                .single()
                        == 0);
    }

    @Test
    void twoActiveRelaysPublishEveryEventOnceAndInOrderPerReceiver(
            @Autowired DataSource dataSource, @Autowired JdbcConnectionDetails database) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxRelay secondRelay = new OutboxRelay(
                newCycle(meters), new OutboxWakeups(dataSource, database, properties), properties, meters);
        secondRelay.start();
        List<UUID> receivers =
                IntStream.range(0, 8).mapToObj(i -> UUID.randomUUID()).toList();
        int perReceiver = 40;
        Map<UUID, List<UUID>> sentInOrder;
        try {
            sentInOrder = new PortalClient(port).sendConcurrently(EMPLOYER, receivers, perReceiver);
        } finally {
            // Stopped only after every event was read, so both relays compete for the whole run.
            readEventsFor(Set.copyOf(receivers), receivers.size() * perReceiver);
            secondRelay.stop();
        }

        List<ConsumerRecord<String, byte[]>> records = readEventsFor(Set.copyOf(receivers), Integer.MAX_VALUE, true);

        List<UUID> eventIds = records.stream()
                .map(r -> MessageSentCodec.decode(r.value()).eventId())
                .toList();
        assertThat(eventIds).hasSize(receivers.size() * perReceiver).doesNotHaveDuplicates();
        Map<UUID, List<UUID>> publishedInOrder = records.stream()
                .map(r -> MessageSentCodec.decode(r.value()))
                .collect(Collectors.groupingBy(
                        MessageSent::receiverId, Collectors.mapping(MessageSent::messageId, Collectors.toList())));
        assertThat(publishedInOrder).isEqualTo(sentInOrder);
    }

    @Test
    void whileAnotherInstanceHoldsTheLeaseNothingIsPublishedAndOnceItExpiresTheRelayTakesOver() {
        Instant expires = jdbc.sql("""
                        update relay_lease set holder = :other, expires_at = now() + interval '3 seconds'
                        returning expires_at
                        """)
                .param("other", UUID.randomUUID())
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
        UUID receiver = UUID.randomUUID();
        PortalClient portal = new PortalClient(port);
        UUID first = portal.send(EMPLOYER, receiver, "Sent while a crashed instance still holds the lease");

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> pendingFor(receiver) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expires));
        // The tests' relays poll every ten minutes: the next insert is what wakes them.
        UUID second = portal.send(EMPLOYER, receiver, "Sent after the lease expired");

        assertThat(readEventsFor(Set.of(receiver), 2))
                .extracting(record -> MessageSentCodec.decode(record.value()).messageId())
                .containsExactly(first, second);
    }

    @Test
    void aRelayThatStopsHandsTheLeaseOverAtOnce() {
        RelayCycle stopping = newCycle(new SimpleMeterRegistry());
        jdbc.sql("update relay_lease set holder = :holder, expires_at = now() + interval '1 hour'")
                .param("holder", stopping.holder())
                .update();
        UUID receiver = UUID.randomUUID();
        PortalClient portal = new PortalClient(port);
        UUID first = portal.send(EMPLOYER, receiver, "Sent while the lease is held for an hour");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> pendingFor(receiver) == 1);

        stopping.releaseLease();
        UUID second = portal.send(EMPLOYER, receiver, "Sent after the holder stopped");

        assertThat(readEventsFor(Set.of(receiver), 2))
                .extracting(record -> MessageSentCodec.decode(record.value()).messageId())
                .containsExactly(first, second);
    }

    private RelayCycle newCycle(SimpleMeterRegistry meters) {
        return new RelayCycle(jdbc, kafka, topics, properties, meters);
    }

    private long pendingFor(UUID receiver) {
        return jdbc.sql("select count(*) from outbox where event_key = :key")
                .param("key", receiver.toString())
                .query(Long.class)
                .single();
    }

    static List<ConsumerRecord<String, byte[]>> readEventsFor(Set<UUID> receivers, int expected) {
        return readEventsFor(receivers, expected, false);
    }

    /**
     * Reads {@code message-sent} until {@code expected} events for these receivers arrived; with {@code
     * settle}, keeps reading a few more seconds so that duplicates published late are seen too.
     */
    static List<ConsumerRecord<String, byte[]>> readEventsFor(Set<UUID> receivers, int expected, boolean settle) {
        Set<String> keys = receivers.stream().map(UUID::toString).collect(Collectors.toSet());
        try (TopicReader reader = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT)) {
            List<ConsumerRecord<String, byte[]>> all = settle
                    ? reader.readFor(Duration.ofSeconds(3))
                    : reader.readUntil(
                            records -> records.stream()
                                            .filter(r -> keys.contains(r.key()))
                                            .count()
                                    >= expected,
                            Duration.ofSeconds(60));
            return Collections.unmodifiableList(all.stream()
                    .filter(r -> keys.contains(r.key()))
                    .sorted((a, b) -> a.partition() != b.partition()
                            ? Integer.compare(a.partition(), b.partition())
                            : Long.compare(a.offset(), b.offset()))
                    .toList());
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
