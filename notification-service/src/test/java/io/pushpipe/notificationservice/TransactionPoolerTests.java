package io.pushpipe.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.exposandbox.ExpoSandbox;
import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.notificationservice.receipt.ReceiptPoller;
import io.pushpipe.testsupport.PgBouncer;
import io.pushpipe.testsupport.ServiceRoleByDefault;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * notification-service through PgBouncer in transaction mode, as through Supabase's pooler on port 6543, set
 * up as the README says ({@code prepareThreshold=0}, Flyway direct, the schema on the role's search path):
 * registering tokens, delivering, deduplicating, deactivating a token and recording receipts each run
 * their transactions on whichever server connection the pooler picks. It has a database and a broker of
 * its own, so that no other cached application's consumers take its events.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pushpipe.receipts.poll-interval=1h", "pushpipe.retention.interval=1h"})
@AutoConfigureMockMvc
@Import(ServiceRoleByDefault.class)
@DirtiesContext
@EnabledIf(value = "io.pushpipe.testsupport.PgBouncer#installed", disabledReason = ".ci/run installs pgbouncer")
class TransactionPoolerTests {

    /** When the sandbox's receipts are due: after Expo's 15 minutes. */
    private static final Duration RECEIPTS_DUE = Duration.ofMinutes(16);

    private static PgBouncer pooler;
    private static EmbeddedKafkaKraftBroker kafka;
    private static ExpoSandbox expo;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void throughThePooler(DynamicPropertyRegistry registry) throws IOException {
        pooler = PgBouncer.inFrontOfNewDatabase("notifications_through_pooler", "notification", 3);
        kafka = SharedInfrastructure.startDedicatedKafka();
        expo = ExpoSandbox.start(0);
        pooler.register(registry);
        registry.add("spring.kafka.bootstrap-servers", kafka::getBrokersAsString);
        registry.add("pushpipe.expo.base-url", expo::baseUrl);
    }

    @AfterAll
    static void stop() {
        expo.close();
        kafka.destroy();
        pooler.close();
    }

    @Test
    void deliversToEachDeviceOnceDeactivatesAGoneTokenAndRecordsReceipts(
            @Autowired KafkaTemplate<String, byte[]> producer, @Autowired ReceiptPoller receipts) throws Exception {
        Events events = new Events(producer);
        UUID candidate = UUID.randomUUID();
        String phone = "ExponentPushToken[phone-" + UUID.randomUUID() + "]";
        String gone = "ExponentPushToken[Dead-" + UUID.randomUUID() + "]";
        register(candidate, phone);
        register(candidate, gone);

        MessageSent first = events.publish(candidate, MessageType.ZOOM_LINK, "Interview on Monday");
        awaitProcessed(first);
        events.publish(first);
        MessageSent second = events.publish(candidate, MessageType.TEXT, "See you there");
        awaitProcessed(second);
        int answered = receipts.pollOnce(Instant.now().plus(RECEIPTS_DUE));

        assertThat(pushesTo(phone))
                .extracting(push -> push.data().get("messageId"))
                .containsExactly(
                        first.messageId().toString(), second.messageId().toString());
        assertThat(devicesAddressed(first)).containsExactlyInAnyOrder(phone, gone);
        assertThat(devicesAddressed(second)).containsExactly(phone);
        mvc.perform(get("/push-tokens").param("user_id", candidate.toString()))
                .andExpect(
                        jsonPath("$[?(@.active == false)].deactivation_reason").value("DeviceNotRegistered"));
        assertThat(answered).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from deliveries where expo_token = :token and receipt_status = 'ok'")
                        .param("token", phone)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private void register(UUID user, String token) throws Exception {
        mvc.perform(post("/push-tokens")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"user_id\":\"" + user + "\",\"expo_token\":\"" + token + "\"}"))
                .andExpect(status().is2xxSuccessful());
    }

    private void awaitProcessed(MessageSent event) {
        NotificationIntegrationTest.awaitProcessed(jdbc, event);
    }

    private List<String> devicesAddressed(MessageSent event) {
        return jdbc.sql("select expo_token from deliveries where event_id = :id")
                .param("id", event.eventId())
                .query(String.class)
                .list();
    }

    private static List<ReceivedNotification> pushesTo(String token) {
        return expo.notifications().stream().filter(n -> token.equals(n.to())).toList();
    }
}
