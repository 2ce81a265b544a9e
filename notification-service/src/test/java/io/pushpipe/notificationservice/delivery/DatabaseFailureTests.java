package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The database fails under the listener (here: a ledger table is gone for a while, as during a migration
 * gone wrong or a restart). The batch is retried soon and without end, each failed attempt says why in the
 * log, and once the database answers the notification goes out, once: an answer Expo gave while the
 * database could not take it is kept and written on the retry, not pushed again.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseFailureTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Test
    void aBatchTheDatabaseFailsIsRetriedWithEachAttemptLoggedAndDeliveredOnceItAnswers(CapturedOutput logs)
            throws Exception {
        UUID candidate = UUID.randomUUID();
        String token = newToken("fine");
        registerToken(mvc, candidate, token);

        MessageSent event;
        jdbc.sql("alter table processed_events rename to processed_events_away").update();
        try {
            event = new Events(kafka).publish(candidate, MessageType.TEXT, "hello");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> logs.getOut()
                            .lines()
                            .anyMatch(line -> line.contains("failed (attempt 3), retrying")
                                    && line.contains("\"processed_events\" does not exist")));
            assertThat(pushesTo(token)).isZero();
        } finally {
            jdbc.sql("alter table processed_events_away rename to processed_events")
                    .update();
        }

        awaitProcessed(jdbc, event);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> pushesTo(token) == 1);
    }

    @Test
    void anAnswerTheLedgerCannotTakeWhileItsRequestIsInFlightIsWrittenOnTheRetryAndTheDeviceIsNotPushedAgain()
            throws Exception {
        UUID candidate = UUID.randomUUID();
        String token = newToken("fine");
        registerToken(mvc, candidate, token);
        EXPO.latency(Duration.ofSeconds(2));

        MessageSent event = new Events(kafka).publish(candidate, MessageType.TEXT, "hello");
        await().atMost(Duration.ofSeconds(30)).until(() -> EXPO.maxInFlight() >= 1);
        jdbc.sql("alter table deliveries rename to deliveries_away").update();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pushesTo(token) == 1);
            EXPO.latency(Duration.ZERO);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pushesTo(token) == 1);
        } finally {
            jdbc.sql("alter table deliveries_away rename to deliveries").update();
        }

        awaitProcessed(jdbc, event);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> pushesTo(token) == 1);
        assertThat(jdbc.sql("select status from deliveries where event_id = :id and expo_token = :token")
                        .param("id", event.eventId())
                        .param("token", token)
                        .query(String.class)
                        .list())
                .containsExactly("accepted");
    }

    @Test
    void theListenerRetriesAFailedBatchAfterHalfASecondThenAtMostEveryTwoSecondsAndNeverGivesUp() {
        BackOffExecution retries = KafkaConfiguration.retryBackOff().start();
        List<Long> intervals = new ArrayList<>();
        for (int attempt = 0; attempt < 10_000; attempt++) {
            intervals.add(retries.nextBackOff());
        }
        assertThat(intervals.subList(0, 4)).containsExactly(500L, 1_000L, 2_000L, 2_000L);
        assertThat(intervals).allMatch(interval -> interval > 0 && interval <= 2_000);
    }

    private long pushesTo(String token) {
        return EXPO.notifications().stream().filter(n -> n.to().equals(token)).count();
    }
}
