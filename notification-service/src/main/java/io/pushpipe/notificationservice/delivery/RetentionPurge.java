package io.pushpipe.notificationservice.delivery;

import io.pushpipe.notificationservice.NotificationServiceProperties;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes delivery rows (receipts included), dedup records and replay records older than {@code
 * pushpipe.retention.max-age}, a few thousand rows per statement, so no statement holds locks on the hot
 * tables for long. Safe on every instance at once: each statement deletes what is still there.
 */
@Component
class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    private static final String PURGE_DELIVERIES = """
            delete from deliveries where ctid in (
                select ctid from deliveries where created_at < :cutoff limit :batch)
            """;

    private static final String PURGE_PROCESSED_EVENTS = """
            delete from processed_events where ctid in (
                select ctid from processed_events where processed_at < :cutoff limit :batch)
            """;

    private static final String PURGE_REPLAYS = """
            delete from dlt_replays where ctid in (
                select ctid from dlt_replays where replayed_at < :cutoff limit :batch)
            """;

    private final JdbcClient jdbc;
    private final NotificationServiceProperties.Retention settings;
    private final Clock clock = Clock.systemUTC();

    RetentionPurge(JdbcClient jdbc, NotificationServiceProperties properties) {
        this.jdbc = jdbc;
        this.settings = properties.retention();
    }

    @Scheduled(
            initialDelayString = "${pushpipe.retention.interval:1h}",
            fixedDelayString = "${pushpipe.retention.interval:1h}")
    void purge() {
        purge(clock.instant());
    }

    /** Purges everything older than {@code max-age} before {@code now}; answers how many rows went. */
    int purge(Instant now) {
        Timestamp cutoff = Timestamp.from(now.minus(settings.maxAge()));
        int purged =
                purge(PURGE_DELIVERIES, cutoff) + purge(PURGE_PROCESSED_EVENTS, cutoff) + purge(PURGE_REPLAYS, cutoff);
        if (purged > 0) {
            log.info("Purged {} delivery, dedup and replay rows older than {}", purged, settings.maxAge());
        }
        return purged;
    }

    private int purge(String statement, Timestamp cutoff) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(statement)
                    .param("cutoff", cutoff)
                    .param("batch", settings.batchSize())
                    .update();
            total += deleted;
        } while (deleted == settings.batchSize());
        return total;
    }
}
