package io.pushpipe.notificationservice.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.notificationservice.receipt.ReceiptPoller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Ending a quarantine after the app registered one of the held tokens again. The wave is started by a token
 * held already (while one is held, every {@code DeviceNotRegistered} is held too); the wave's answers come
 * from real receipts of real events.
 */
class QuarantineReleaseTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    ReceiptPoller poller;

    private final String waveStarter = newToken("Gone-starter");

    @BeforeEach
    void startAWave() {
        jdbc.sql("update deliveries set receipt_status = 'unknown' where receipt_status is null")
                .update();
        jdbc.sql("""
                update deliveries set updated_at = updated_at - interval '1 day'
                where error_code = 'DeviceNotRegistered' or receipt_error = 'DeviceNotRegistered'
                """).update();
        jdbc.sql("""
                insert into push_tokens (user_id, expo_token, quarantined_at, quarantine_reason)
                values (:user, :token, now(), 'DeviceNotRegistered')
                """)
                .param("user", UUID.randomUUID())
                .param("token", waveStarter)
                .update();
    }

    @AfterEach
    void endTheWave() throws Exception {
        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "deactivate"));
        jdbc.sql("update push_tokens set active = false where expo_token = :token")
                .param("token", waveStarter)
                .update();
    }

    @Test
    void deactivatingTheQuarantineSparesATokenTheAppRegisteredAgainMeanwhile() throws Exception {
        UUID held = UUID.randomUUID();
        UUID back = UUID.randomUUID();
        String heldToken = newToken("Gone-held");
        String backToken = newToken("Gone-back");
        registerToken(mvc, held, heldToken);
        registerToken(mvc, back, backToken);
        receiveDeviceNotRegisteredFor(List.of(held, back));
        assertThat(quarantined(heldToken)).isTrue();
        assertThat(quarantined(backToken)).isTrue();

        registerToken(mvc, back, backToken);
        assertThat(quarantined(backToken)).isFalse();

        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "deactivate"))
                .andExpect(status().isOk());

        assertThat(active(heldToken)).isFalse();
        assertThat(active(backToken)).isTrue();
    }

    @Test
    void restoringTheQuarantineSendsTheWavesFailedPushesAgainAlsoToATokenRegisteredAgainMeanwhile() throws Exception {
        UUID held = UUID.randomUUID();
        UUID back = UUID.randomUUID();
        String heldToken = newToken("Gone-held");
        String heldFine = newToken("fine");
        String backToken = newToken("Gone-back");
        registerToken(mvc, held, heldToken);
        registerToken(mvc, held, heldFine);
        registerToken(mvc, back, backToken);
        List<MessageSent> events = receiveDeviceNotRegisteredFor(List.of(held, back));
        registerToken(mvc, back, backToken);

        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "restore"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.resent_events").value(2))
                .andExpect(jsonPath("$.events_not_found").value(0));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(pushesOf(events.get(0), heldToken)).isEqualTo(2));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(pushesOf(events.get(1), backToken)).isEqualTo(2));
        awaitProcessed(jdbc, events.get(0));
        assertThat(pushesOf(events.get(0), heldFine))
                .as("a device that got it is not pushed again")
                .isEqualTo(1);
        assertThat(active(heldToken)).isTrue();
        assertThat(quarantined(heldToken)).isFalse();
    }

    /** One event per user, delivered, then receipts saying DeviceNotRegistered: held, as a wave is on. */
    private List<MessageSent> receiveDeviceNotRegisteredFor(List<UUID> users) {
        List<MessageSent> events = users.stream()
                .map(user -> new Events(kafka).publish(user, MessageType.TEXT, "during the wave"))
                .toList();
        events.forEach(event -> awaitProcessed(jdbc, event));
        jdbc.sql("update deliveries set sent_at = sent_at - interval '16 minutes' where event_id in (:ids)")
                .param("ids", events.stream().map(MessageSent::eventId).toList())
                .update();
        poller.pollOnce(Instant.now());
        return events;
    }

    private boolean quarantined(String token) {
        return jdbc.sql("select quarantined_at is not null from push_tokens where expo_token = :token")
                .param("token", token)
                .query(Boolean.class)
                .single();
    }

    private boolean active(String token) {
        return jdbc.sql("select active from push_tokens where expo_token = :token")
                .param("token", token)
                .query(Boolean.class)
                .single();
    }

    private static long pushesOf(MessageSent event, String device) {
        return EXPO.notifications().stream()
                .filter(n -> n.to().equals(device)
                        && event.messageId().toString().equals(n.data().get("messageId")))
                .count();
    }
}
