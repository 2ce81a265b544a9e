package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.notificationservice.Events;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;

/** A receiver that must wait holds up only its own events, and gets them in order afterwards. */
class ReceiverIsolationTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    MeterRegistry meters;

    @Test
    void aThrottledDeviceDelaysOnlyItsReceiverWithoutRereadingThePartitionAndItsEventsArriveInOrder() throws Exception {
        UUID waiting = UUID.randomUUID();
        UUID neighbour = receiverOnTheSamePartitionAs(waiting);
        String throttled = newToken("throttled");
        String flowing = newToken("flowing");
        registerToken(mvc, waiting, throttled);
        registerToken(mvc, neighbour, flowing);
        setThrottle(throttled, "now() + interval '1 hour'");
        double consumedBefore = consumed();
        Events events = new Events(kafka);

        MessageSent first = events.publish(waiting, MessageType.ZOOM_LINK, "first");
        events.publish(neighbour, MessageType.TEXT, "hello");
        MessageSent second = events.publish(waiting, MessageType.TEXT, "second");
        events.publish(neighbour, MessageType.TEXT, "hello again");

        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(flowing).size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> deferredOf(waiting) == 2);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() ->
                        consumed() - consumedBefore == 4 && pushesTo(throttled).isEmpty());

        setThrottle(throttled, "now() - interval '1 second'");

        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(throttled).size() == 2);
        assertThat(pushesTo(throttled))
                .extracting(push -> push.data().get("messageId"))
                .containsExactly(
                        first.messageId().toString(), second.messageId().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> deferredOf(waiting) == 0);
        assertThat(consumed() - consumedBefore).isEqualTo(4);
    }

    private UUID receiverOnTheSamePartitionAs(UUID receiver) {
        int partitions = kafka.partitionsFor(Topics.MESSAGE_SENT).size();
        int partition = partitionOf(receiver, partitions);
        UUID other;
        do {
            other = UUID.randomUUID();
        } while (partitionOf(other, partitions) != partition);
        return other;
    }

    private static int partitionOf(UUID key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void setThrottle(String token, String until) {
        jdbc.sql("update push_tokens set throttled_until = " + until + " where expo_token = :token")
                .param("token", token)
                .update();
    }

    private long deferredOf(UUID receiver) {
        return jdbc.sql("select count(*) from deferred_events where receiver_id = :receiver")
                .param("receiver", receiver)
                .query(Long.class)
                .single();
    }

    private double consumed() {
        return meters.counter("pushpipe.events.consumed").count();
    }

    private static List<ReceivedNotification> pushesTo(String token) {
        return EXPO.notifications().stream().filter(n -> n.to().equals(token)).toList();
    }
}
