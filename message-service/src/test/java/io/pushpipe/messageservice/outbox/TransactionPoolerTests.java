package io.pushpipe.messageservice.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.messageservice.PortalClient;
import io.pushpipe.testsupport.PgBouncer;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * message-service through PgBouncer in transaction mode, as through Supabase's pooler on port 6543, set up
 * the way the README says: {@code prepareThreshold=0} in the URL, Flyway on the direct connection, the
 * schema on the role's search path. Each statement may run on another server connection, so nothing may
 * depend on a session: the relay's leadership is a lease row and no transaction waits for Kafka. LISTEN
 * cannot work through it: the relay notices, polls and says so in its health, unless {@code
 * pushpipe.outbox.listen-url} names a direct connection.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@EnabledIf(value = "io.pushpipe.testsupport.PgBouncer#installed", disabledReason = ".ci/run installs pgbouncer")
class TransactionPoolerTests {

    private static final UUID EMPLOYER = UUID.randomUUID();
    private static PgBouncer pooler;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static synchronized void throughThePooler(DynamicPropertyRegistry registry) {
        if (pooler == null) {
            pooler = PgBouncer.inFrontOfNewDatabase("through_pooler", "messaging", 3);
        }
        pooler.register(registry);
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
    }

    @AfterAll
    static void stopPooler() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @Test
    void publishesEveryMessageOnceAndInOrderAndSaysItPollsBecauseNotificationsCannotArrive() {
        List<UUID> receivers =
                IntStream.range(0, 6).mapToObj(i -> UUID.randomUUID()).toList();
        PortalClient portal = new PortalClient(port);
        Map<UUID, List<UUID>> sent = portal.sendConcurrently(EMPLOYER, receivers, 20);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select count(*) from outbox")
                                .query(Long.class)
                                .single()
                        == 0);
        OutboxRelayTests.readEventsFor(Set.copyOf(receivers), receivers.size() * 20);
        List<ConsumerRecord<String, byte[]>> records = OutboxRelayTests.readEventsFor(Set.copyOf(receivers), 0, true);

        List<MessageSent> events = records.stream()
                .map(record -> MessageSentCodec.decode(record.value()))
                .toList();
        assertThat(events).extracting(MessageSent::eventId).hasSize(120).doesNotHaveDuplicates();
        assertThat(events.stream()
                        .collect(Collectors.groupingBy(
                                MessageSent::receiverId,
                                Collectors.mapping(MessageSent::messageId, Collectors.toList()))))
                .isEqualTo(sent);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(portal.outboxHealth())
                        .contains("\"status\":\"UP\"")
                        .contains("\"pending\":0")
                        .contains("\"insertNotifications\":\"notarriving:polling\""));
    }

    /** With {@code pushpipe.outbox.listen-url} naming the direct connection, inserts wake the relay again. */
    @Nested
    @TestPropertySource(properties = "pushpipe.outbox.poll-interval=10m")
    class WithADirectConnectionToListenOn {

        @DynamicPropertySource
        static void listenDirectly(DynamicPropertyRegistry registry) {
            registry.add("pushpipe.outbox.listen-url", () -> pooler.direct().jdbcUrl());
        }

        @Test
        void insertNotificationsArriveAndWakeTheRelay() {
            PortalClient portal = new PortalClient(port);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(portal.outboxHealth()).contains("\"insertNotifications\":\"arriving\""));
            UUID receiver = UUID.randomUUID();
            UUID message = portal.send(EMPLOYER, receiver, "Woken by the insert's notification");

            assertThat(OutboxRelayTests.readEventsFor(Set.of(receiver), 1))
                    .extracting(
                            record -> MessageSentCodec.decode(record.value()).messageId())
                    .containsExactly(message);
        }
    }
}
