package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.DeadLetter;
import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import io.pushpipe.notificationservice.retention.RetainedTable;
import io.pushpipe.topics.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Dead letters as an outbox: a batch records the records it dead-letters in {@code pending_dead_letters},
 * in the same transaction as their events' fate, and they are published to {@code message-sent-dlt} only
 * after that commit, here. A DLT that cannot be written (missing, an ACL, too few replicas) therefore never
 * makes a batch fail and push its devices again: the dead letters wait and are published once it can be.
 * A record is recorded once (its topic, partition and offset are unique), so a redelivered batch does not
 * dead-letter it twice.
 *
 * <p>Published through Spring Kafka's dead-letter recoverer: same key, same partition number, the original
 * headers (event id included), the exception and original topic/partition/offset/timestamp headers, and
 * pushpipe's reason code.
 */
@Component
class DeadLetters implements RetainedTable, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int PUBLISH_BATCH = 100;

    private static final String RECORD = """
            insert into pending_dead_letters (topic, record_partition, record_offset, record_timestamp,
                                              record_key, record_value, record_headers, reason, explanation)
            values (:topic, :partition, :offset, :timestamp, :key, :value, cast(:headers as jsonb), :reason,
                    :explanation)
            on conflict (topic, record_partition, record_offset) do nothing
            """;

    private static final String CLAIM = """
            update pending_dead_letters p
            set claimed_until = :leaseEnd
            from (
                select id from pending_dead_letters
                where published_at is null and (claimed_until is null or claimed_until < :now)
                order by id
                limit :limit
                for update skip locked
            ) due
            where p.id = due.id
            returning p.id, reason, explanation,\s""" + StoredRecords.COLUMNS;

    private static final String MARK_PUBLISHED = """
            update pending_dead_letters set published_at = now(), claimed_until = null where id = :id
            """;

    private static final String PURGE_PUBLISHED = """
            delete from pending_dead_letters where ctid in (
                select ctid from pending_dead_letters where published_at < :cutoff limit :limit)
            """;

    private static final String UNPUBLISHED = """
            select count(*) from pending_dead_letters where published_at is null
            """;

    private final NamedParameterJdbcTemplate batches;
    private final JdbcClient jdbc;
    private final StoredRecords stored;
    private final DeadLetterPublishingRecoverer recoverer;
    private final MeterRegistry meters;
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dead-letter-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean publishQueued = new AtomicBoolean();
    private final TopicProvisioner topics;
    private volatile boolean topicReady;

    DeadLetters(
            NamedParameterJdbcTemplate batches,
            JdbcClient jdbc,
            StoredRecords stored,
            KafkaTemplate<String, byte[]> template,
            TopicProvisioner topics,
            MeterRegistry meters) {
        this.topics = topics;
        this.batches = batches;
        this.jdbc = jdbc;
        this.stored = stored;
        this.meters = meters;
        this.recoverer = new DeadLetterPublishingRecoverer(template);
        this.recoverer.setHeadersFunction(DeadLetters::reasonHeader);
        Gauge.builder("pushpipe.dead.letters.unpublished", this, DeadLetters::unpublished)
                .description("Dead letters recorded but not yet on message-sent-dlt: it cannot be written")
                .register(meters);
    }

    /** Records the dead letters; to be called in the transaction that records their events' fate. */
    void record(List<DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return;
        }
        batches.batchUpdate(RECORD, deadLetters.stream().map(this::row).toArray(SqlParameterSource[]::new));
    }

    /** Publishes the recorded dead letters soon, on the publisher's thread: the caller never waits for Kafka. */
    void publishSoon() {
        if (publishQueued.compareAndSet(false, true)) {
            publisher.execute(() -> {
                publishQueued.set(false);
                publishPending();
            });
        }
    }

    /** Retries dead letters the DLT could not take before. */
    @Scheduled(
            initialDelayString = "${pushpipe.delivery.dead-letter-publish-interval:5s}",
            fixedDelayString = "${pushpipe.delivery.dead-letter-publish-interval:5s}")
    void publishLater() {
        publishSoon();
    }

    /** Dead letters recorded but not yet on the DLT. */
    long unpublished() {
        return jdbc.sql(UNPUBLISHED).query(Long.class).single();
    }

    /** Published dead letters are kept as long as delivery records, so that a redelivery never re-publishes them. */
    @Override
    public int purgeOlderThan(Instant cutoff, int limit) {
        return jdbc.sql(PURGE_PUBLISHED)
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update();
    }

    private void publishPending() {
        try {
            List<Claimed> claimed;
            do {
                Instant now = Instant.now();
                claimed = jdbc.sql(CLAIM)
                        .param("leaseEnd", Timestamp.from(now.plus(LEASE)))
                        .param("now", Timestamp.from(now))
                        .param("limit", PUBLISH_BATCH)
                        .query((rs, row) -> new Claimed(
                                rs.getLong("id"),
                                stored.read(rs),
                                DeadLetterReason.valueOf(rs.getString("reason")),
                                rs.getString("explanation")))
                        .list();
                if (!claimed.isEmpty() && !deadLetterTopicReady()) {
                    return;
                }
                for (Claimed deadLetter : claimed) {
                    publish(deadLetter);
                }
            } while (claimed.size() == PUBLISH_BATCH);
        } catch (RuntimeException e) {
            log.warn("Dead letters not published to the DLT yet, retrying in the background: {}", e.getMessage());
        }
    }

    /** The DLT is checked (and created when missing) when it is first needed, not only at start-up. */
    private boolean deadLetterTopicReady() {
        if (!topicReady) {
            topicReady = topics.ensure(topics.deadLetters());
        }
        return topicReady;
    }

    private void publish(Claimed deadLetter) {
        ConsumerRecord<String, byte[]> record = deadLetter.record();
        recoverer.accept(record, new DeadLetterException(deadLetter.reason(), deadLetter.explanation()));
        jdbc.sql(MARK_PUBLISHED).param("id", deadLetter.id()).update();
        Counter.builder("pushpipe.events.dead.lettered")
                .description("Events sent to message-sent-dlt, by reason")
                .tag("reason", deadLetter.reason().name())
                .register(meters)
                .increment();
        log.warn(
                "Event dead-lettered reason={} partition={} offset={}: {}",
                deadLetter.reason(),
                record.partition(),
                record.offset(),
                deadLetter.explanation());
    }

    private SqlParameterSource row(DeadLetter deadLetter) {
        return stored.parameters(deadLetter.record())
                .addValue("reason", deadLetter.reason().name())
                .addValue("explanation", deadLetter.explanation());
    }

    private static Headers reasonHeader(ConsumerRecord<?, ?> record, Exception exception) {
        Headers headers = new RecordHeaders();
        Throwable cause = exception;
        while (cause != null && !(cause instanceof DeadLetterException)) {
            cause = cause.getCause();
        }
        if (cause instanceof DeadLetterException deadLetter) {
            headers.add(EventHeaders.DLT_REASON, deadLetter.reason().name().getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Override
    public void destroy() {
        publisher.shutdownNow();
    }

    private record Claimed(
            long id, ConsumerRecord<String, byte[]> record, DeadLetterReason reason, String explanation) {}

    /** Why a record went to the DLT; its class and message land in the DLT record's exception headers. */
    static final class DeadLetterException extends RuntimeException {

        private final DeadLetterReason reason;

        DeadLetterException(DeadLetterReason reason, String explanation) {
            super(explanation);
            this.reason = reason;
        }

        DeadLetterReason reason() {
            return reason;
        }
    }
}
