package io.pushpipe.messageservice.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.Topics;
import io.pushpipe.messageservice.PortalClient;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The portal keeps posting while Kafka is down; every event reaches Kafka once it is back. This test has
 * a database of its own, so that no other cached application's relay can take its outbox rows, and a
 * broker of its own that it stops and restarts on the same port with its data.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushpipe.outbox.initial-backoff=100ms",
            "pushpipe.outbox.max-backoff=1s",
            "pushpipe.outbox.max-healthy-age=1s"
        })
@DirtiesContext
class KafkaOutageTests {

    private static final EmbeddedKafkaKraftBroker KAFKA = SharedInfrastructure.startDedicatedKafka();
    private static final UUID EMPLOYER = UUID.randomUUID();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        SharedInfrastructure.registerDatabase(registry, SharedInfrastructure.createDatabase("kafka_outage"));
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBrokersAsString);
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.destroy();
    }

    @Test
    void acceptsMessagesWhileKafkaIsDownAndPublishesEachOnceInOrderWhenItReturns() throws Exception {
        PortalClient portal = new PortalClient(port);
        portal.send(EMPLOYER, UUID.randomUUID(), "Before the outage");
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingEvents() == 0);
        BrokerServer broker = KAFKA.getCluster().brokers().get(0);
        broker.shutdown();
        broker.awaitShutdown();

        Map<UUID, List<UUID>> sent = new LinkedHashMap<>();
        for (int round = 0; round < 20; round++) {
            for (int receiver = 0; receiver < 3; receiver++) {
                UUID receiverId = new UUID(0, receiver + 1);
                sent.computeIfAbsent(receiverId, id -> new ArrayList<>())
                        .add(portal.send(EMPLOYER, receiverId, "Round " + round));
            }
        }

        assertThat(pendingEvents()).isEqualTo(60);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select count(*) from outbox where attempts > 0 and last_error is not null")
                                .query(Long.class)
                                .single()
                        > 0);
        // the health component reports a measurement at most a couple of seconds old
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(portal.outboxHealth())
                        .contains("\"status\":\"DOWN\"")
                        .contains("\"pending\":60"));
        // While its cycles wait for Kafka, the relay holds no transaction open (a pooler would cut it off).
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> jdbc.sql("""
                                select count(*) from pg_stat_activity
                                where datname = current_database() and state like 'idle in transaction%'
                                """).query(Long.class).single() == 0);

        broker.startup();
        await().atMost(Duration.ofSeconds(60)).until(() -> pendingEvents() == 0);
        List<ConsumerRecord<String, byte[]>> records;
        try (TopicReader reader = new TopicReader(KAFKA.getBrokersAsString(), Topics.MESSAGE_SENT)) {
            reader.readUntil(all -> all.size() >= 61, Duration.ofSeconds(30));
            records = reader.readFor(Duration.ofSeconds(2));
        }

        List<MessageSent> events = records.stream()
                .map(record -> MessageSentCodec.decode(record.value()))
                .filter(event -> sent.containsKey(event.receiverId()))
                .toList();
        assertThat(events).extracting(MessageSent::eventId).hasSize(60).doesNotHaveDuplicates();
        Map<UUID, List<UUID>> published = events.stream()
                .collect(Collectors.groupingBy(
                        MessageSent::receiverId,
                        LinkedHashMap::new,
                        Collectors.mapping(MessageSent::messageId, Collectors.toList())));
        assertThat(published).isEqualTo(sent);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(portal.outboxHealth())
                        .contains("\"status\":\"UP\"")
                        .contains("\"pending\":0"));
    }

    private long pendingEvents() {
        return jdbc.sql("select count(*) from outbox").query(Long.class).single();
    }
}
