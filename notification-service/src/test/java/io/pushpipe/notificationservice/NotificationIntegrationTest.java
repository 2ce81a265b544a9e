package io.pushpipe.notificationservice;

import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.Topics;
import io.pushpipe.exposandbox.ExpoSandbox;
import io.pushpipe.testsupport.ServiceRoleByDefault;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TopicReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Base of the integration tests: notification-service on the JVM's shared real PostgreSQL and Kafka,
 * sending to one {@link ExpoSandbox} per JVM. Retries, back-offs and the circuit's open time are short so
 * that failure scenarios finish in seconds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushpipe.expo.retry.max-attempts=2",
            "pushpipe.expo.retry.initial-backoff=20ms",
            "pushpipe.expo.retry.max-backoff=50ms",
            "pushpipe.expo.circuit-breaker.minimum-calls=3",
            "pushpipe.expo.circuit-breaker.sliding-window-size=4",
            "pushpipe.expo.circuit-breaker.open-duration=2s",
            "pushpipe.expo.circuit-breaker.half-open-calls=1",
            "pushpipe.delivery.retry-delay=200ms",
            "pushpipe.receipts.poll-interval=1h",
            "pushpipe.retention.interval=1h",
            "pushpipe.health.refresh-interval=500ms"
        })
@AutoConfigureMockMvc
@Import(ServiceRoleByDefault.class)
public abstract class NotificationIntegrationTest {

    protected static final ExpoSandbox EXPO = startSandbox();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        SharedInfrastructure.register(registry);
        registry.add("pushpipe.expo.base-url", EXPO::baseUrl);
    }

    /** Registers a device token for the user through the API, as the app does. */
    protected static void registerToken(MockMvc mvc, UUID userId, String expoToken) throws Exception {
        mvc.perform(post("/push-tokens")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"user_id\":\"" + userId + "\",\"expo_token\":\"" + expoToken + "\"}"))
                .andExpect(status().is2xxSuccessful());
    }

    /** A token no other test uses; {@code marker} (Dead, BadCredentials, ...) steers the sandbox. */
    protected static String newToken(String marker) {
        return "ExponentPushToken[" + marker + "-"
                + UUID.randomUUID().toString().substring(0, 13) + "]";
    }

    /** Waits until notification-service has handled the event to the end. */
    protected static void awaitProcessed(JdbcClient jdbc, MessageSent event) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select count(*) from processed_events where event_id = :id")
                                .param("id", event.eventId())
                                .query(Long.class)
                                .single()
                        == 1);
    }

    /**
     * How many tokens a wave of DeviceNotRegistered needs so that the guard quarantines it: more than its
     * minimum (20) and than a tenth of the active tokens counting the wave's own, which the caller inserts
     * and a measurement taken after that includes.
     */
    protected static int waveBeyondTheGuard(JdbcClient jdbc) {
        long active = jdbc.sql("select count(*) from push_tokens where active")
                .query(Long.class)
                .single();
        return (int) Math.max(20, Math.ceil(active / 9.0)) + 10;
    }

    /** The first record on {@code message-sent-dlt} that matches, waiting at most 30 s for it. */
    protected static ConsumerRecord<String, byte[]> awaitDeadLetter(
            Predicate<ConsumerRecord<String, byte[]>> matching) {
        try (TopicReader dlt = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT_DLT)) {
            return dlt.readUntil(records -> records.stream().anyMatch(matching), Duration.ofSeconds(30)).stream()
                    .filter(matching)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no such dead letter within 30 s"));
        }
    }

    /** The first dead letter with this key (the receiver), waiting at most 30 s for it. */
    protected static ConsumerRecord<String, byte[]> awaitDeadLetter(UUID key) {
        return awaitDeadLetter(record -> key.toString().equals(record.key()));
    }

    @BeforeEach
    void resetExpo() {
        EXPO.reset();
        EXPO.rateLimitPerSecond(0);
        EXPO.latency(Duration.ZERO);
    }

    private static ExpoSandbox startSandbox() {
        try {
            ExpoSandbox sandbox = ExpoSandbox.start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
            return sandbox;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
