package io.pushpipe.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** Provisioning against the real broker: describe first, create what is missing, change nothing. */
class TopicProvisionerTests {

    private static final Admin KAFKA = Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()));

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Test
    void aMissingTopicIsCreatedWithTheConfiguredPartitions() throws Exception {
        TopicProvisioner topics = provisioner(true);
        NewTopic topic = topic(5);

        assertThat(topics.ensure(topic)).isTrue();

        await().ignoreExceptions()
                .untilAsserted(() -> assertThat(partitionsOf(topic.name())).isEqualTo(5));
        assertThat(topics.states().get(topic.name()).status()).isEqualTo("ok");
    }

    @Test
    void anExistingTopicWithOtherPartitionsIsReportedAndLeftAlone() throws Exception {
        NewTopic existing = topic(3);
        KAFKA.createTopics(List.of(existing)).all().get();
        await().ignoreExceptions().until(() -> partitionsOf(existing.name()) == 3);
        TopicProvisioner topics = provisioner(true);

        boolean usable =
                topics.ensure(TopicBuilder.name(existing.name()).partitions(12).build());

        assertThat(usable).isTrue();
        assertThat(partitionsOf(existing.name())).isEqualTo(3);
        assertThat(topics.states().get(existing.name()))
                .isEqualTo(new TopicProvisioner.TopicState(12, 3, "partition-mismatch"));
    }

    @Test
    void withProvisioningOffAMissingTopicIsReportedNotCreated() throws Exception {
        TopicProvisioner topics = provisioner(false);
        NewTopic topic = topic(4);

        assertThat(topics.ensure(topic)).isFalse();

        assertThat(KAFKA.listTopics().names().get()).doesNotContain(topic.name());
        assertThat(topics.states().get(topic.name()).status()).isEqualTo("missing");
    }

    @Test
    void theDefinitionsGiveTheDeadLetterTopicAsManyPartitionsAsTheSourceAndItsRetention() {
        TopicProvisioner topics =
                new TopicProvisioner(admin(), new TopicsProperties(7, true, Duration.ofDays(3), Duration.ofSeconds(5)));

        assertThat(topics.messageSent().numPartitions()).isEqualTo(7);
        assertThat(topics.deadLetters().numPartitions()).isEqualTo(7);
        assertThat(topics.deadLetters().configs()).containsEntry("retention.ms", String.valueOf(3 * 86_400_000L));
    }

    private static TopicProvisioner provisioner(boolean provision) {
        return new TopicProvisioner(
                admin(), new TopicsProperties(12, provision, Duration.ofDays(14), Duration.ofSeconds(10)));
    }

    private static KafkaAdmin admin() {
        return new KafkaAdmin(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()));
    }

    private static NewTopic topic(int partitions) {
        return TopicBuilder.name("provisioning-" + UUID.randomUUID())
                .partitions(partitions)
                .build();
    }

    private static int partitionsOf(String topic) throws Exception {
        return KAFKA.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .size();
    }
}
