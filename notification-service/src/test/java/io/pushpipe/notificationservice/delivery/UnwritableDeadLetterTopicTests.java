package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The DLT refuses writes (here: its {@code max.message.bytes} is smaller than any record, as a misconfigured
 * topic does). Dead letters then wait in the ledger; the batch is finished and
 * no device Expo accepted is pushed again.
 */
@TestPropertySource(
        properties = {
            "spring.kafka.producer.properties.delivery.timeout.ms=2000",
            "spring.kafka.producer.properties.request.timeout.ms=1000",
            "pushpipe.delivery.dead-letter-publish-interval=300ms"
        })
class UnwritableDeadLetterTopicTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Test
    void aDeadLetterTheTopicCannotTakeWaitsInTheLedgerAndNoAcceptedDeviceIsPushedAgain() throws Exception {
        UUID candidate = UUID.randomUUID();
        String fine = newToken("fine");
        String badCredentials = newToken("BadCredentials");
        registerToken(mvc, candidate, fine);
        registerToken(mvc, candidate, badCredentials);

        MessageSent event;
        refuseWritesToTheDeadLetterTopic(true);
        try {
            event = new Events(kafka).publish(candidate, MessageType.TEXT, "hello");
            awaitProcessed(jdbc, event);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(6))
                    .until(() -> pushesTo(fine) == 1 && unpublishedDeadLettersOf(candidate) == 1);
        } finally {
            refuseWritesToTheDeadLetterTopic(false);
        }

        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(candidate);
        assertThat(new String(
                        deadLetter.headers().lastHeader(EventHeaders.DLT_REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("INVALID_CREDENTIALS");
        assertThat(new String(
                        deadLetter.headers().lastHeader(EventHeaders.EVENT_ID).value(), StandardCharsets.UTF_8))
                .isEqualTo(event.eventId().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> unpublishedDeadLettersOf(candidate) == 0);
        assertThat(pushesTo(fine)).isEqualTo(1);
        assertThat(jdbc.sql("select attempts from deliveries where event_id = :id")
                        .param("id", event.eventId())
                        .query(Integer.class)
                        .list())
                .containsExactly(1, 1);
    }

    private long pushesTo(String token) {
        return EXPO.notifications().stream().filter(n -> n.to().equals(token)).count();
    }

    private long unpublishedDeadLettersOf(UUID key) {
        return jdbc.sql("select count(*) from pending_dead_letters where record_key = :key and published_at is null")
                .param("key", key.toString())
                .query(Long.class)
                .single();
    }

    private static void refuseWritesToTheDeadLetterTopic(boolean refuse) throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, Topics.MESSAGE_SENT_DLT),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "16"),
                                    refuse ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE))))
                    .all()
                    .get();
        }
    }
}
