package io.pushpipe.notificationservice.dlt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Expo refuses every push while it demands an access token that notification-service does not send: the
 * events are dead-lettered as EXPO_UNAUTHORIZED. Once Expo accepts again, a developer replays them.
 */
class DeadLetterReplayTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcClient jdbc;

    @Test
    void deadLettersAreListedFilteredAndReplayedOnceAfterTheCauseIsFixed() throws Exception {
        String poisonKey = UUID.randomUUID().toString();
        kafka.send(new ProducerRecord<>(
                        Topics.MESSAGE_SENT, poisonKey, "not an event".getBytes(StandardCharsets.UTF_8)))
                .join();
        awaitDeadLetters(poisonKey, 1);
        EXPO.requireAccessToken("s3cret");
        List<MessageSent> events = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID candidate = UUID.randomUUID();
            String device = newToken("replay");
            registerToken(mvc, candidate, device);
            devices.add(device);
            events.add(publish(candidate, "refused while Expo wants a token"));
        }
        String eventIds = events.stream().map(e -> "\"" + e.eventId() + "\"").collect(Collectors.joining(","));
        awaitDeadLetters(events);

        mvc.perform(get("/admin/dlt")
                        .param("receiver_id", events.get(0).receiverId().toString()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(1))
                .andExpect(jsonPath("$.records[0].reason").value("EXPO_UNAUTHORIZED"))
                .andExpect(jsonPath("$.records[0].event_id")
                        .value(events.get(0).eventId().toString()))
                .andExpect(jsonPath("$.records[0].message_type").value("text"))
                .andExpect(jsonPath("$.records[0].original_topic").value(Topics.MESSAGE_SENT))
                .andExpect(jsonPath("$.records[0].exception_message").value(containsString("UNAUTHORIZED")))
                .andExpect(jsonPath("$.records[0].replayed").value(false));
        mvc.perform(get("/admin/dlt")
                        .param("reason", "EXPO_UNAUTHORIZED")
                        .param("size", "1")
                        .param("page", "1"))
                .andExpect(jsonPath("$.records.length()").value(1))
                .andExpect(jsonPath("$.total").value(org.hamcrest.Matchers.greaterThanOrEqualTo(3)));
        mvc.perform(get("/admin/dlt")
                        .param("receiver_id", events.get(0).receiverId().toString())
                        .param("exception", "deadletterexception")
                        .param("until", Instant.now().plusSeconds(60).toString()))
                .andExpect(jsonPath("$.total").value(1));
        mvc.perform(get("/admin/dlt")
                        .param("receiver_id", events.get(0).receiverId().toString())
                        .param("until", Instant.now().minusSeconds(3600).toString()))
                .andExpect(jsonPath("$.total").value(0));
        mvc.perform(get("/admin/dlt").param("reason", "NO_SUCH_REASON"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(0));

        int replaysBefore = replayRows();
        replay("{\"event_ids\":[" + eventIds + "]}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.dry_run").value(true))
                .andExpect(jsonPath("$.selected").value(3))
                .andExpect(jsonPath("$.replayed").value(3))
                .andExpect(jsonPath("$.items[0].outcome").value("would_replay"));
        assertThat(replayRows()).isEqualTo(replaysBefore);
        assertThat(replayedOnMainTopic(events)).isEmpty();

        EXPO.requireAccessToken(null);
        replay("{\"event_ids\":[" + eventIds + "],\"dry_run\":false}")
                .andExpect(jsonPath("$.dry_run").value(false))
                .andExpect(jsonPath("$.replayed").value(3))
                .andExpect(jsonPath("$.skipped").value(0));

        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(devices).size() == 3);
        assertThat(replayRows()).isEqualTo(replaysBefore + 3);
        assertThat(replayedOnMainTopic(events)).hasSize(3).allSatisfy(record -> {
            assertThat(record.headers().lastHeader("kafka_dlt-exception-fqcn")).isNull();
            assertThat(record.headers().lastHeader(EventHeaders.DLT_REASON)).isNull();
            assertThat(record.headers().lastHeader(DeadLetterReplayer.REPLAYED_FROM))
                    .isNotNull();
        });
        mvc.perform(get("/admin/dlt").param("event_id", events.get(1).eventId().toString()))
                .andExpect(jsonPath("$.records[0].replayed").value(true));

        replay("{\"event_ids\":[" + eventIds + "],\"dry_run\":false}")
                .andExpect(jsonPath("$.replayed").value(0))
                .andExpect(jsonPath("$.skipped").value(3))
                .andExpect(jsonPath("$.items[0].skipped_because").value(containsString("already replayed")));

        replay("{\"event_ids\":[" + eventIds + "],\"dry_run\":false,\"force\":true}")
                .andExpect(jsonPath("$.replayed").value(3));
        List<MessageSent> markers = new ArrayList<>();
        events.forEach(e -> markers.add(publish(e.receiverId(), "after the forced replay")));
        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(devices).size() == 6);
        assertThat(pushesTo(devices).stream().map(p -> p.data().get("messageId")))
                .as("each device got the replayed message once and the later one once")
                .hasSize(6)
                .doesNotHaveDuplicates();
    }

    @Test
    void onePoisonRecordShowsItsHeadersAndGoesBackToTheDltOnceWhenReplayed() throws Exception {
        String key = UUID.randomUUID().toString();
        kafka.send(new ProducerRecord<>(Topics.MESSAGE_SENT, key, "garbage".getBytes(StandardCharsets.UTF_8)))
                .join();
        ConsumerRecord<String, byte[]> poison = awaitDeadLetters(key, 1).get(0);

        mvc.perform(get("/admin/dlt/" + poison.partition() + "/" + poison.offset()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reason").value("POISON"))
                .andExpect(jsonPath("$.payload").value("garbage"))
                .andExpect(jsonPath("$.headers['kafka_dlt-original-topic']").value(Topics.MESSAGE_SENT))
                .andExpect(jsonPath("$.headers['kafka_dlt-original-offset']").isString());

        String answer = replay("{\"records\":[{\"partition\":" + poison.partition() + ",\"offset\":" + poison.offset()
                        + "}],\"dry_run\":false}")
                .andExpect(jsonPath("$.replayed").value(1))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(JsonPath.<String>read(answer, "$.items[0].outcome")).isEqualTo("replayed");
        List<ConsumerRecord<String, byte[]>> again = awaitDeadLetters(key, 2);
        try (TopicReader dlt = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT_DLT)) {
            assertThat(dlt.readFor(Duration.ofSeconds(3)).stream().filter(r -> key.equals(r.key())))
                    .as("the replayed poison is dead-lettered once more, and not again")
                    .hasSize(2);
        }
        assertThat(again.get(1).headers().lastHeader(DeadLetterReplayer.REPLAYED_FROM))
                .isNotNull();
    }

    @Test
    void badRequestsGetAProblemAndUnknownRecordsA404() throws Exception {
        mvc.perform(get("/admin/dlt/0/999999999"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value(containsString("GET /admin/dlt")));
        mvc.perform(get("/admin/dlt").param("since", "yesterday"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("since"));
        mvc.perform(get("/admin/dlt").param("size", "0"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("size"));
        mvc.perform(get("/admin/dlt/zero/1")).andExpect(status().isBadRequest());
        replay("{}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("records"));
        replay("{\"records\":[{\"partition\":-1,\"offset\":0}]}").andExpect(status().isBadRequest());
        replay("{\"filter\":{\"since\":\"" + Instant.now().plusSeconds(3600) + "\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.selected").value(0));
    }

    private MessageSent publish(UUID receiver, String content) {
        return new Events(kafka).publish(receiver, MessageType.TEXT, content);
    }

    private ResultActions replay(String json) throws Exception {
        return mvc.perform(post("/admin/dlt/replay")
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Operator", "test")
                .content(json));
    }

    private int replayRows() {
        return jdbc.sql("select count(*) from dlt_replays").query(Integer.class).single();
    }

    private void awaitDeadLetters(List<MessageSent> events) {
        events.forEach(e -> awaitDeadLetters(e.receiverId().toString(), 1));
    }

    private static List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String key, int count) {
        try (TopicReader dlt = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT_DLT)) {
            List<ConsumerRecord<String, byte[]>> found = dlt
                    .readUntil(
                            all -> all.stream().filter(r -> key.equals(r.key())).count() >= count,
                            Duration.ofSeconds(30))
                    .stream()
                    .filter(r -> key.equals(r.key()))
                    .toList();
            assertThat(found).hasSize(count);
            return found;
        }
    }

    private static List<ConsumerRecord<String, byte[]>> replayedOnMainTopic(List<MessageSent> events) {
        List<String> keys = events.stream().map(e -> e.receiverId().toString()).toList();
        try (TopicReader main = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT)) {
            return main.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> keys.contains(r.key()))
                    .filter(r -> r.headers().lastHeader(DeadLetterReplayer.REPLAYED_FROM) != null)
                    .toList();
        }
    }

    private static List<ReceivedNotification> pushesTo(List<String> devices) {
        return EXPO.notifications().stream()
                .filter(n -> devices.contains(n.to()))
                .toList();
    }
}
