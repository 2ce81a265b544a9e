package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;

class DeliveryTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    CircuitBreaker expoCircuitBreaker;

    Events events;

    @BeforeEach
    void events(@Autowired KafkaTemplate<String, byte[]> kafka) {
        events = new Events(kafka);
    }

    @Test
    void aUserWithThreeDevicesGetsThreePushesSayingWhatTheMessageIs() throws Exception {
        UUID candidate = UUID.randomUUID();
        List<String> devices = List.of(newToken("phone"), newToken("tablet"), newToken("watch"));
        for (String device : devices) {
            registerToken(mvc, candidate, device);
        }

        MessageSent event =
                events.publish(candidate, MessageType.ZOOM_LINK, "Interview on   Monday\n10:00 — https://zoom.us/j/1");

        List<ReceivedNotification> pushes = awaitPushes(devices, 3);
        awaitProcessed(jdbc, event);
        assertThat(pushesTo(devices)).hasSize(3);
        assertThat(pushes).extracting(ReceivedNotification::to).containsExactlyInAnyOrderElementsOf(devices);
        assertThat(pushes).allSatisfy(push -> {
            assertThat(push.title()).isEqualTo("🎥 Interview Scheduled!");
            assertThat(push.body()).isEqualTo("Interview on Monday 10:00 — https://zoom.us/j/1");
            assertThat(push.data())
                    .containsEntry("messageId", event.messageId().toString())
                    .containsEntry("messageType", "zoom_link")
                    .containsEntry("senderId", event.senderId().toString());
            assertThat(push.priority()).isEqualTo("high");
            assertThat(push.sound()).isEqualTo("default");
            assertThat(push.channelId()).isEqualTo("default");
            assertThat(push.collapseId()).isEqualTo("pushpipe-" + event.eventId());
            assertThat(push.tag()).isEqualTo("pushpipe-" + event.eventId());
        });
    }

    @Test
    void aRedeliveredEventPushesToNoDeviceTwice() throws Exception {
        UUID candidate = UUID.randomUUID();
        List<String> devices = List.of(newToken("a"), newToken("b"));
        for (String device : devices) {
            registerToken(mvc, candidate, device);
        }
        MessageSent event = events.publish(candidate, MessageType.TEXT, "Hello");
        awaitPushes(devices, 2);
        awaitProcessed(jdbc, event);

        events.publish(event);
        MessageSent later = events.publish(candidate, MessageType.STATUS_UPDATE, "Moved to final round");
        awaitProcessed(jdbc, later);

        Map<Object, Long> perMessage = pushesTo(devices).stream()
                .collect(Collectors.groupingBy(p -> p.data().get("messageId"), Collectors.counting()));
        assertThat(perMessage)
                .containsEntry(event.messageId().toString(), 2L)
                .containsEntry(later.messageId().toString(), 2L);
    }

    @Test
    void deviceNotRegisteredDeactivatesTheTokenAndTheNextMessageSkipsIt() throws Exception {
        UUID candidate = UUID.randomUUID();
        String dead = newToken("Dead");
        String alive = newToken("alive");
        registerToken(mvc, candidate, dead);
        registerToken(mvc, candidate, alive);

        MessageSent first = events.publish(candidate, MessageType.TEXT, "first");
        awaitProcessed(jdbc, first);
        MessageSent second = events.publish(candidate, MessageType.TEXT, "second");
        awaitProcessed(jdbc, second);

        mvc.perform(get("/push-tokens").param("user_id", candidate.toString()))
                .andExpect(jsonPath("$[0].active").value(false))
                .andExpect(jsonPath("$[0].deactivation_reason").value("DeviceNotRegistered"))
                .andExpect(jsonPath("$[1].active").value(true));
        assertThat(devicesAddressed(first)).containsExactlyInAnyOrder(dead, alive);
        assertThat(devicesAddressed(second)).containsExactly(alive);
        assertThat(pushesTo(List.of(alive))).hasSize(2);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReasonAndLaterRecordsAreDelivered() throws Exception {
        UUID candidate = UUID.randomUUID();
        String device = newToken("poison");
        registerToken(mvc, candidate, device);

        events.publishPoison(candidate.toString(), "{not json".getBytes(StandardCharsets.UTF_8));
        MessageSent after = events.publish(candidate, MessageType.FORM_LINK, "Take the test");

        awaitPushes(List.of(device), 1);
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(candidate);
        assertThat(header(deadLetter, EventHeaders.DLT_REASON)).isEqualTo("POISON");
        assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(Topics.MESSAGE_SENT);
        assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("not a valid MessageSent event");
        assertThat(deadLetter.headers().lastHeader("kafka_dlt-original-offset")).isNotNull();
        assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(pushesTo(List.of(device)))
                .singleElement()
                .satisfies(push -> assertThat(push.data())
                        .containsEntry("messageId", after.messageId().toString()));
    }

    @Test
    void invalidCredentialsDeadLetterTheEventWithItsReason() throws Exception {
        UUID candidate = UUID.randomUUID();
        registerToken(mvc, candidate, newToken("BadCredentials"));

        MessageSent event = events.publish(candidate, MessageType.TEXT, "hello");

        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(candidate);
        assertThat(header(deadLetter, EventHeaders.DLT_REASON)).isEqualTo("INVALID_CREDENTIALS");
        assertThat(header(deadLetter, EventHeaders.EVENT_ID))
                .isEqualTo(event.eventId().toString());
        assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("InvalidCredentials");
    }

    @Test
    void anExpoOutageOpensTheCircuitPausesConsumptionAndEverythingIsDeliveredOnceAfterwards() throws Exception {
        List<String> devices = new ArrayList<>();
        List<UUID> candidates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID candidate = UUID.randomUUID();
            String device = newToken("outage");
            registerToken(mvc, candidate, device);
            candidates.add(candidate);
            devices.add(device);
        }
        EXPO.outage(true);

        candidates.forEach(candidate -> events.publish(candidate, MessageType.TEXT, "during the outage"));

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        listeners.getListenerContainer(MessageSentListener.ID).isPauseRequested());
        mvc.perform(get("/actuator/health"))
                .andExpect(jsonPath("$.components.expo.status").value("DOWN"));
        int requestsWhenOpened = EXPO.requests().size();
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> EXPO.requests().size() <= requestsWhenOpened + 1);

        EXPO.outage(false);

        awaitPushes(devices, 5);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> expoCircuitBreaker.getState() == CircuitBreaker.State.CLOSED);
        assertThat(pushesTo(devices)).extracting(ReceivedNotification::to).containsExactlyInAnyOrderElementsOf(devices);
        assertThat(listeners.getListenerContainer(MessageSentListener.ID).isPauseRequested())
                .isFalse();
        try (TopicReader dlt = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT_DLT)) {
            assertThat(dlt.readFor(Duration.ofSeconds(1)))
                    .noneMatch(
                            r -> candidates.stream().anyMatch(c -> c.toString().equals(r.key())));
        }
    }

    @Test
    void aDeviceExpoKeepsThrottlingIsRetriedLaterAndGivenUpAfterTheConfiguredAttempts() throws Exception {
        UUID candidate = UUID.randomUUID();
        String throttled = newToken("RateExceeded");
        String fine = newToken("fine");
        registerToken(mvc, candidate, throttled);
        registerToken(mvc, candidate, fine);

        MessageSent event = events.publish(candidate, MessageType.TEXT, "hello");

        awaitProcessed(jdbc, event);
        assertThat(pushesTo(List.of(fine))).hasSize(1);
        assertThat(jdbc.sql("select status || ':' || attempts from deliveries where event_id = :id and expo_token = :t")
                        .param("id", event.eventId())
                        .param("t", throttled)
                        .query(String.class)
                        .single())
                .isEqualTo("failed:5");
    }

    @Test
    void anEventForAUserWithoutTokensIsFinishedWithoutAPush() {
        MessageSent event = events.publish(UUID.randomUUID(), MessageType.TEXT, "nobody listens");

        awaitProcessed(jdbc, event);

        assertThat(jdbc.sql("select outcome from processed_events where event_id = :id")
                        .param("id", event.eventId())
                        .query(String.class)
                        .single())
                .isEqualTo("no_tokens");
    }

    @Test
    void theTestEndpointPushesToEveryDeviceAndSaysWhatExpoAnswered() throws Exception {
        UUID candidate = UUID.randomUUID();
        String good = newToken("test");
        registerToken(mvc, candidate, good);
        registerToken(mvc, candidate, newToken("Dead"));

        mvc.perform(post("/test-push-notification/" + candidate))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.devices.length()").value(2))
                .andExpect(jsonPath("$.devices[0].status").value("ok"))
                .andExpect(jsonPath("$.devices[0].ticket_id").isString())
                .andExpect(jsonPath("$.devices[0].expo_token").value(containsString("…")))
                .andExpect(jsonPath("$.devices[1].status").value("error"))
                .andExpect(jsonPath("$.devices[1].error").value("DeviceNotRegistered"));

        assertThat(pushesTo(List.of(good)))
                .singleElement()
                .satisfies(push -> assertThat(push.title()).isEqualTo("🔔 Test notification"));
        mvc.perform(post("/test-push-notification/" + UUID.randomUUID()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value(containsString("POST /push-tokens")));
    }

    private List<ReceivedNotification> awaitPushes(List<String> devices, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(devices).size() >= count);
        return pushesTo(devices);
    }

    private static List<ReceivedNotification> pushesTo(List<String> devices) {
        return EXPO.notifications().stream()
                .filter(n -> devices.contains(n.to()))
                .toList();
    }

    private List<String> devicesAddressed(MessageSent event) {
        return jdbc.sql("select expo_token from deliveries where event_id = :id")
                .param("id", event.eventId())
                .query(String.class)
                .list();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
