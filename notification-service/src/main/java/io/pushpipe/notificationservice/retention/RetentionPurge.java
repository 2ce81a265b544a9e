package io.pushpipe.notificationservice.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes delivery rows (receipts included), dedup records, replay records and published dead letters
 * older than {@code pushpipe.retention.max-age}, a few thousand rows per statement, so no statement holds
 * locks on the hot tables for long. Safe on every instance at once: each statement deletes what is still
 * there.
 */
@Component
class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    private final List<RetainedTable> tables;
    private final RetentionProperties settings;
    private final Clock clock = Clock.systemUTC();

    RetentionPurge(List<RetainedTable> tables, RetentionProperties settings) {
        this.tables = tables;
        this.settings = settings;
    }

    @Scheduled(
            initialDelayString = "${pushpipe.retention.interval:1h}",
            fixedDelayString = "${pushpipe.retention.interval:1h}")
    void purge() {
        purge(clock.instant());
    }

    /** Purges everything older than {@code max-age} before {@code now}; answers how many rows went. */
    int purge(Instant now) {
        Instant cutoff = now.minus(settings.maxAge());
        int purged = 0;
        for (RetainedTable table : tables) {
            int deleted;
            do {
                deleted = table.purgeOlderThan(cutoff, settings.batchSize());
                purged += deleted;
            } while (deleted >= settings.batchSize());
        }
        if (purged > 0) {
            log.info("Purged {} delivery, dedup, replay and dead-letter rows older than {}", purged, settings.maxAge());
        }
        return purged;
    }
}
