package io.pushpipe.notificationservice.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushpipe.notificationservice.NotificationIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class RetentionPurgeTests extends NotificationIntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RetentionPurge purge;

    @Test
    void removesDeliveriesAndDedupRecordsOlderThanTheMaximumAgeAndKeepsTheRest() {
        Instant now = Instant.now();
        UUID oldEvent = insert(now.minus(Duration.ofDays(31)));
        UUID recentEvent = insert(now.minus(Duration.ofDays(29)));

        assertThat(purge.purge(now)).isGreaterThanOrEqualTo(2);

        assertThat(count("deliveries", oldEvent)).isZero();
        assertThat(count("processed_events", oldEvent)).isZero();
        assertThat(count("deliveries", recentEvent)).isEqualTo(1);
        assertThat(count("processed_events", recentEvent)).isEqualTo(1);
    }

    private UUID insert(Instant at) {
        UUID event = UUID.randomUUID();
        jdbc.sql("""
                insert into deliveries (event_id, expo_token, message_id, user_id, status, created_at)
                values (:event, 'ExponentPushToken[purge]', :event, :event, 'accepted', :at)
                """).param("event", event).param("at", Timestamp.from(at)).update();
        jdbc.sql("""
                insert into processed_events (event_id, message_id, outcome, processed_at)
                values (:event, :event, 'delivered', :at)
                """).param("event", event).param("at", Timestamp.from(at)).update();
        return event;
    }

    private long count(String table, UUID event) {
        return jdbc.sql("select count(*) from " + table + " where event_id = :event")
                .param("event", event)
                .query(Long.class)
                .single();
    }
}
