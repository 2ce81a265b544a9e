package io.pushpipe.notificationservice.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.notificationservice.delivery.DeliveryLedger;
import io.pushpipe.notificationservice.delivery.ReceiptVerdicts;
import io.pushpipe.notificationservice.expo.ExpoPushClient;
import io.pushpipe.notificationservice.expo.ExpoPushMessage;
import io.pushpipe.notificationservice.expo.ExpoReceipts;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.Devices;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;

/** Receipts are fetched with the poller driven by the test's own clock: {@code pollOnce(now)}. */
class ReceiptTests extends NotificationIntegrationTest {

    private static final Duration DUE = Duration.ofMinutes(16);

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ReceiptPoller poller;

    @Autowired
    ExpoPushClient expo;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @BeforeEach
    void forgetTicketsOfOtherTests() {
        jdbc.sql("update deliveries set receipt_status = 'unknown' where receipt_status is null")
                .update();
    }

    @AfterEach
    void clearAlarms() throws Exception {
        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "deactivate"));
        jdbc.sql("update deliveries set receipt_checked_at = receipt_checked_at - interval '2 hours'"
                        + " where receipt_error is not null")
                .update();
        poller.measure();
    }

    @Test
    void aTicketIsCheckedOnceAfterTheDelayAndNeverBefore() throws Exception {
        UUID candidate = UUID.randomUUID();
        registerToken(mvc, candidate, newToken("receipt"));
        MessageSent event = publishAndAwaitDelivery(candidate);
        Instant now = Instant.now();

        assertThat(poller.pollOnce(now)).isZero();
        assertThat(EXPO.receiptRequests()).isEmpty();
        mvc.perform(get("/notifications").param("message_id", event.messageId().toString()))
                .andExpect(jsonPath("$.devices[0].state").value("accepted"));

        assertThat(poller.pollOnce(now.plus(DUE))).isEqualTo(1);
        assertThat(poller.pollOnce(now.plus(DUE).plusSeconds(60))).isZero();

        assertThat(EXPO.receiptRequests()).hasSize(1);
        mvc.perform(get("/notifications").param("message_id", event.messageId().toString()))
                .andExpect(jsonPath("$.devices[0].state").value("delivered"))
                .andExpect(jsonPath("$.devices[0].sent_at").isString())
                .andExpect(jsonPath("$.devices[0].receipt_checked_at").isString());
    }

    @Test
    void twentyFiveHundredTicketsTakeThreeReceiptRequests() {
        List<String> tickets = issueTickets("bulk", 2500);
        insertAcceptedDeliveries(tickets, Instant.now().minus(DUE));

        int answered = poller.pollOnce(Instant.now());

        assertThat(answered).isEqualTo(2500);
        assertThat(EXPO.receiptRequests()).extracting(List::size).containsExactly(1000, 1000, 500);
    }

    @Test
    void twoPollersNeverAskForTheSameTicket(
            @Autowired DeliveryLedger ledger,
            @Autowired ReceiptVerdicts verdicts,
            @Autowired ExpoReceipts receipts,
            @Autowired Devices devices,
            @Autowired ReceiptProperties settings) {
        List<String> tickets = issueTickets("pair", 2500);
        insertAcceptedDeliveries(tickets, Instant.now().minus(DUE));
        ReceiptPoller second =
                new ReceiptPoller(ledger, verdicts, receipts, devices, settings, new SimpleMeterRegistry());
        Instant now = Instant.now();

        CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> poller.pollOnce(now));
        CompletableFuture<Integer> two = CompletableFuture.supplyAsync(() -> second.pollOnce(now));

        assertThat(one.join() + two.join()).isEqualTo(2500);
        List<String> asked =
                EXPO.receiptRequests().stream().flatMap(List::stream).toList();
        assertThat(asked).hasSize(2500).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tickets);
    }

    @Test
    void aDeviceNotRegisteredReceiptDeactivatesTheTokenAndTheNextMessageSkipsIt() throws Exception {
        UUID candidate = UUID.randomUUID();
        String gone = newToken("Gone");
        String fine = newToken("fine");
        registerToken(mvc, candidate, gone);
        registerToken(mvc, candidate, fine);
        MessageSent first = publishAndAwaitDelivery(candidate);

        poller.pollOnce(Instant.now().plus(DUE));

        mvc.perform(get("/push-tokens").param("user_id", candidate.toString()))
                .andExpect(jsonPath("$[0].active").value(false))
                .andExpect(jsonPath("$[0].deactivation_reason").value("DeviceNotRegistered"));
        mvc.perform(get("/notifications").param("message_id", first.messageId().toString()))
                .andExpect(jsonPath("$.devices[?(@.state == 'failed')].reason").value("DeviceNotRegistered"))
                .andExpect(jsonPath("$.devices[?(@.state == 'delivered')]").isNotEmpty());
        MessageSent second = publishAndAwaitDelivery(candidate);
        assertThat(jdbc.sql("select expo_token from deliveries where event_id = :id")
                        .param("id", second.eventId())
                        .query(String.class)
                        .list())
                .containsExactly(fine);
    }

    @Test
    void aWaveOfDeviceNotRegisteredDeactivatesNothingAndRaisesTheAlarm() throws Exception {
        int wave = waveBeyondTheGuard(jdbc);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < wave; i++) {
            tokens.add(newToken("Gone-wave"));
        }
        tokens.forEach(token -> jdbc.sql("insert into push_tokens (user_id, expo_token) values (:u, :t)")
                .param("u", UUID.randomUUID())
                .param("t", token)
                .update());
        List<String> tickets = issueTickets(tokens);
        insertAcceptedDeliveries(tickets, tokens, Instant.now().minus(DUE));

        poller.pollOnce(Instant.now());

        assertThat(jdbc.sql("select count(*) from push_tokens where active and expo_token in (:t)")
                        .param("t", tokens)
                        .query(Long.class)
                        .single())
                .isEqualTo(wave);
        mvc.perform(get("/admin/tokens/quarantine"))
                .andExpect(jsonPath("$.quarantined").value(wave));
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.components.tokenHygiene.status").value("DOWN"))
                .andExpect(jsonPath("$.components.tokenHygiene.details.quarantinedTokens")
                        .value(wave));

        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "restore"))
                .andExpect(jsonPath("$.released").value(wave));
        mvc.perform(get("/actuator/health/tokenHygiene"))
                .andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void invalidCredentialsInAReceiptTurnTheReceiptsHealthDown() throws Exception {
        UUID candidate = UUID.randomUUID();
        registerToken(mvc, candidate, newToken("ProviderCredentials"));
        MessageSent event = publishAndAwaitDelivery(candidate);

        poller.pollOnce(Instant.now().plus(DUE));

        mvc.perform(get("/actuator/health/receipts"))
                .andExpect(jsonPath("$.status").value("DOWN"))
                .andExpect(jsonPath("$.details.credentialErrorsLastHour").value(1));
        mvc.perform(get("/notifications").param("message_id", event.messageId().toString()))
                .andExpect(jsonPath("$.devices[0].state").value("failed"))
                .andExpect(jsonPath("$.devices[0].reason").value("InvalidCredentials"));
    }

    @Test
    void aTicketWithoutAReceiptAfterADayIsUnknown() throws Exception {
        List<String> tickets = List.of("never-issued-" + UUID.randomUUID());
        UUID messageId = insertAcceptedDeliveries(tickets, Instant.now().minus(Duration.ofHours(25)));

        assertThat(poller.pollOnce(Instant.now())).isEqualTo(1);

        mvc.perform(get("/notifications").param("message_id", messageId.toString()))
                .andExpect(jsonPath("$.devices[0].state").value("unknown"));
    }

    @Test
    void aMessageRateExceededReceiptHoldsPushesToThatDeviceBackUntilTheThrottleEnds() throws Exception {
        UUID candidate = UUID.randomUUID();
        String busy = newToken("ReceiptRate");
        String calm = newToken("calm");
        registerToken(mvc, candidate, busy);
        registerToken(mvc, candidate, calm);
        MessageSent throttledOne = publishAndAwaitDelivery(candidate);

        poller.pollOnce(Instant.now().plus(DUE));
        mvc.perform(get("/push-tokens").param("user_id", candidate.toString()))
                .andExpect(jsonPath("$[0].throttled_until").isString());
        MessageSent held = new Events(kafka).publish(candidate, MessageType.TEXT, "while throttled");

        await().atMost(Duration.ofSeconds(30)).until(() -> pushesOf(held, calm) == 1);
        assertThat(pushesOf(held, busy)).isZero();
        assertThat(jdbc.sql("select count(*) from processed_events where event_id = :id")
                        .param("id", held.eventId())
                        .query(Long.class)
                        .single())
                .isZero();

        jdbc.sql("update push_tokens set throttled_until = now() - interval '1 second' where expo_token = :t")
                .param("t", busy)
                .update();

        awaitProcessed(jdbc, held);
        assertThat(pushesOf(held, busy)).isEqualTo(1);
        assertThat(pushesOf(held, calm)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> pushesOf(throttledOne, busy) == 2);
        assertThat(pushesOf(throttledOne, calm)).isEqualTo(1);
    }

    @Test
    void aCredentialsErrorInAReceiptDeadLettersTheEventAndItsReplaySendsItToExactlyThatDevice() throws Exception {
        UUID candidate = UUID.randomUUID();
        String failing = newToken("ProviderCredentials");
        String fine = newToken("fine");
        registerToken(mvc, candidate, failing);
        registerToken(mvc, candidate, fine);
        MessageSent event = publishAndAwaitDelivery(candidate);

        poller.pollOnce(Instant.now().plus(DUE));

        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(record -> isOf(record, event));
        assertThat(new String(
                        deadLetter.headers().lastHeader(EventHeaders.DLT_REASON).value(), UTF_8))
                .isEqualTo("INVALID_CREDENTIALS");
        mvc.perform(post("/admin/dlt/replay")
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("X-Operator", "test")
                        .content("{\"event_ids\":[\"" + event.eventId() + "\"],\"dry_run\":false}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.replayed").value(1));

        await().atMost(Duration.ofSeconds(30)).until(() -> pushesOf(event, failing) == 2);
        assertThat(pushesOf(event, fine)).isEqualTo(1);
    }

    private static boolean isOf(ConsumerRecord<String, byte[]> record, MessageSent event) {
        return record.headers().lastHeader(EventHeaders.EVENT_ID) != null
                && event.eventId()
                        .toString()
                        .equals(new String(
                                record.headers()
                                        .lastHeader(EventHeaders.EVENT_ID)
                                        .value(),
                                UTF_8));
    }

    @Test
    void aDeviceWaitingForARetryIsPending() throws Exception {
        UUID messageId = UUID.randomUUID();
        jdbc.sql("""
                insert into deliveries (event_id, expo_token, message_id, user_id, status, error_code)
                values (:event, 'ExponentPushToken[pending-device]', :message, :user, 'retry', 'MessageRateExceeded')
                """)
                .param("event", UUID.randomUUID())
                .param("message", messageId)
                .param("user", UUID.randomUUID())
                .update();

        mvc.perform(get("/notifications").param("message_id", messageId.toString()))
                .andExpect(jsonPath("$.devices[0].state").value("pending"))
                .andExpect(jsonPath("$.devices[0].reason").value("MessageRateExceeded"))
                .andExpect(jsonPath("$.devices[0].expo_token").value("ExponentPushToken[pend…ce]"));
    }

    private MessageSent publishAndAwaitDelivery(UUID candidate) {
        MessageSent event = new Events(kafka).publish(candidate, MessageType.TEXT, "hi");
        awaitProcessed(jdbc, event);
        return event;
    }

    private static long pushesOf(MessageSent event, String device) {
        return EXPO.notifications().stream()
                .filter(n -> n.to().equals(device)
                        && event.messageId().toString().equals(n.data().get("messageId")))
                .count();
    }

    private List<String> issueTickets(String marker, int count) {
        return issueTickets(
                IntStream.range(0, count).mapToObj(i -> newToken(marker)).toList());
    }

    private List<String> issueTickets(List<String> tokens) {
        List<PushResult> results = expo.send(tokens.stream()
                .map(token -> new ExpoPushMessage(token, "t", "b", Map.of(), null, null, null, null, null))
                .toList());
        return results.stream().map(r -> ((PushResult.Accepted) r).ticketId()).toList();
    }

    private UUID insertAcceptedDeliveries(List<String> tickets, Instant sentAt) {
        return insertAcceptedDeliveries(
                tickets,
                tickets.stream().map(t -> "ExponentPushToken[" + t + "]").toList(),
                sentAt);
    }

    private UUID insertAcceptedDeliveries(List<String> tickets, List<String> tokens, Instant sentAt) {
        UUID messageId = UUID.randomUUID();
        for (int i = 0; i < tickets.size(); i++) {
            jdbc.sql("""
                    insert into deliveries (event_id, expo_token, message_id, user_id, status, ticket_id, sent_at)
                    values (:event, :token, :message, :user, 'accepted', :ticket, :sentAt)
                    """)
                    .param("event", UUID.randomUUID())
                    .param("token", tokens.get(i))
                    .param("message", messageId)
                    .param("user", UUID.randomUUID())
                    .param("ticket", tickets.get(i))
                    .param("sentAt", Timestamp.from(sentAt))
                    .update();
        }
        return messageId;
    }
}
