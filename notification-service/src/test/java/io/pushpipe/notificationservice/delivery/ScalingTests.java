package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.notificationservice.NotificationServiceApplication;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Instances of one consumer group share the partitions and Expo's limit; an instance that leaves loses and
 * duplicates nothing, and leaves its share of the limit to the others.
 */
class ScalingTests extends NotificationIntegrationTest {

    /** The default {@code pushpipe.expo.notifications-per-second}: Expo's 600. */
    private static final long GROUP_LIMIT = 600;

    @Autowired
    MockMvc mvc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Test
    void twoInstancesSplitThePartitionsAndDeliverEachEventOnce() throws Exception {
        List<String> devices = registerCandidates(60);
        try (ConfigurableApplicationContext second = startSecondInstance()) {
            awaitBothAssigned(second);

            publishToEachDevice(devices);

            await().atMost(Duration.ofSeconds(60)).until(() -> pushesTo(devices).size() >= devices.size());
            assertThat(consumed(second)).isPositive();
        }
        assertThat(pushCountPerDevice(devices))
                .allSatisfy((device, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void anInstanceStoppedMidBatchLeavesNoDeviceWithASecondPush() throws Exception {
        List<String> devices = registerCandidates(80);
        ConfigurableApplicationContext second = startSecondInstance();
        awaitBothAssigned(second);
        EXPO.latency(Duration.ofMillis(300));

        publishToEachDevice(devices);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed(second) > 0);
        second.close();

        await().atMost(Duration.ofSeconds(90)).until(() -> pushesTo(devices).size() >= devices.size());
        assertThat(pushCountPerDevice(devices))
                .hasSize(devices.size())
                .allSatisfy((device, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void anInstanceThatShutsDownHandsItsPartitionsOverWithoutWaitingForTheSessionTimeout() {
        ConfigurableApplicationContext second = startSecondInstance();
        awaitBothAssigned(second);
        MessageListenerContainer mine = listeners.getListenerContainer(MessageSentListener.ID);

        // What SIGTERM does in a rolling restart: the context closes, its consumers leave the group.
        second.close();

        // Well inside the 6 s session timeout, after which even an instance that said nothing would be replaced.
        await().atMost(Duration.ofSeconds(4))
                .until(() -> assigned(mine).size() == SharedInfrastructure.DEFAULT_PARTITIONS);
    }

    @Test
    void aCrashedInstancesPartitionsAreServedByTheOthersWithinSeconds(
            @Autowired ConsumerFactory<String, byte[]> consumers) {
        MessageListenerContainer mine = listeners.getListenerContainer(MessageSentListener.ID);
        Consumer<String, byte[]> crashing = consumers.createConsumer(MessageSentListener.GROUP_ID, null, "-crashing");
        crashing.subscribe(List.of(Topics.MESSAGE_SENT));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            crashing.poll(Duration.ofMillis(100));
            return !crashing.assignment().isEmpty();
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> assigned(mine).size() + crashing.assignment().size()
                        == SharedInfrastructure.DEFAULT_PARTITIONS);

        // Gone without a word to the group, as after kill -9 or a lost machine: only the missing heartbeats tell.
        crashing.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> assigned(mine).size() == SharedInfrastructure.DEFAULT_PARTITIONS);
    }

    @Test
    void instancesTogetherStayUnderTheGroupsExpoLimitAndOneLeavingLeavesItsShareToTheOther(@Autowired JdbcClient jdbc) {
        List<UUID> burst = insertCandidatesWithTwoDevices(jdbc, 2_500);
        try (ConfigurableApplicationContext second = startSecondInstance()) {
            awaitBothAssigned(second);
            // A fresh JVM's first requests leave late (classes loading, connections opening) and would
            // bunch with the next ones on arrival, as a cold process does in production.
            publishTextTo(insertCandidatesWithTwoDevices(jdbc, 100));
            await().atMost(Duration.ofSeconds(30)).until(() -> EXPO.notificationCount() >= 200);
            EXPO.reset();
            jdbc.sql("truncate expo_sends, expo_projects").update();
            double consumedBefore = consumed(second);

            publishTextTo(burst);

            await().atMost(Duration.ofSeconds(90)).until(() -> EXPO.notificationCount() >= 5_000);
            assertThat(consumed(second)).isGreaterThan(consumedBefore);
            // Each instance alone at the limit would make about twice the limit together.
            assertThat(busiestSecond()).isLessThanOrEqualTo(GROUP_LIMIT * 3 / 2);
        }
        MessageListenerContainer mine = listeners.getListenerContainer(MessageSentListener.ID);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> assigned(mine).size() == SharedInfrastructure.DEFAULT_PARTITIONS);
        EXPO.reset();

        publishTextTo(insertCandidatesWithTwoDevices(jdbc, 500));

        await().atMost(Duration.ofSeconds(60)).until(() -> EXPO.notificationCount() >= 1_000);
        assertThat(busiestSecond())
                .as("the instance left alone gets the whole limit, not the half it had")
                .isGreaterThan(GROUP_LIMIT * 3 / 4);
    }

    /** Candidates with two devices each, inserted straight into the table: the API would take minutes. */
    private static List<UUID> insertCandidatesWithTwoDevices(JdbcClient jdbc, int count) {
        List<UUID> candidates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            candidates.add(UUID.randomUUID());
        }
        jdbc.sql("""
                        insert into push_tokens (user_id, expo_token, platform)
                        select u, 'ExponentPushToken[limit-' || u || '-' || d || ']', 'ios'
                        from unnest(cast(:users as uuid[])) u, generate_series(1, 2) d
                        """).param("users", candidates.toArray(UUID[]::new)).update();
        return candidates;
    }

    private void publishTextTo(List<UUID> receivers) {
        new Events(kafka).publishBurst(receivers, MessageType.TEXT, "Hello");
    }

    private static long busiestSecond() {
        return EXPO.busiestSecond().values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }

    private List<String> registerCandidates(int count) throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID candidate = new UUID(0x5ca1eL, System.nanoTime());
            String device = newToken("scale");
            registerToken(mvc, candidate, device);
            devices.add(candidate + "|" + device);
        }
        return devices;
    }

    private void publishToEachDevice(List<String> devices) {
        Events events = new Events(kafka);
        for (String entry : devices) {
            events.publish(UUID.fromString(entry.split("\\|")[0]), MessageType.TEXT, "Hello");
        }
    }

    private ConfigurableApplicationContext startSecondInstance() {
        SharedInfrastructure.PostgresServer db = SharedInfrastructure.postgres();
        return new SpringApplicationBuilder(NotificationServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + db.jdbcUrl(),
                        "--spring.datasource.username=" + db.username(),
                        "--spring.datasource.password=" + db.password(),
                        "--spring.kafka.bootstrap-servers=" + SharedInfrastructure.kafkaBootstrapServers(),
                        "--pushpipe.expo.base-url=" + EXPO.baseUrl());
    }

    private void awaitBothAssigned(ConfigurableApplicationContext second) {
        MessageListenerContainer mine = listeners.getListenerContainer(MessageSentListener.ID);
        MessageListenerContainer theirs =
                second.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(MessageSentListener.ID);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !assigned(mine).isEmpty()
                        && !assigned(theirs).isEmpty()
                        && assigned(mine).size() + assigned(theirs).size() == SharedInfrastructure.DEFAULT_PARTITIONS);
    }

    private static List<?> assigned(MessageListenerContainer container) {
        return container.getAssignedPartitions() == null ? List.of() : List.copyOf(container.getAssignedPartitions());
    }

    private static double consumed(ConfigurableApplicationContext instance) {
        return instance.getBean(MeterRegistry.class)
                .counter("pushpipe.events.consumed")
                .count();
    }

    private static List<ReceivedNotification> pushesTo(List<String> devices) {
        List<String> tokens = devices.stream().map(d -> d.split("\\|")[1]).toList();
        return EXPO.notifications().stream()
                .filter(n -> tokens.contains(n.to()))
                .toList();
    }

    private static Map<String, Long> pushCountPerDevice(List<String> devices) {
        return pushesTo(devices).stream()
                .collect(Collectors.groupingBy(ReceivedNotification::to, Collectors.counting()));
    }
}
