package io.pushpipe.messageservice.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.Topics;
import io.pushpipe.messageservice.MessageServiceProperties;
import io.pushpipe.topics.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and deletes them once the broker has
 * acknowledged every record of the batch.
 *
 * <p>Exactly one relay is active across all instances: each cycle runs in a transaction that first takes
 * a PostgreSQL advisory lock, so a receiver's events are never published out of order or twice by two
 * instances at once. A cycle that fails (Kafka unreachable, acknowledgements timing out) rolls back:
 * its rows stay and are retried with exponential back-off. Records the broker acknowledged before such
 * a failure are published again on the retry; consumers drop those duplicates by event id.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    /** "pushpipe" in ASCII: the advisory lock that elects the active relay. */
    static final long RELAY_LOCK = 0x7075736870697065L;

    /** Longest single wait for a notification, so that stopping never waits out a long poll interval. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(500);

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String TRY_LOCK = "select pg_try_advisory_xact_lock(:lock)";

    private static final String NEXT_BATCH = """
            select id, event_id, topic, event_key, event_type, payload, created_at
            from outbox
            order by id
            limit :limit
            """;

    private static final String DELETE_PUBLISHED = "delete from outbox where id in (:ids)";

    private static final String RECORD_FAILURE = """
            update outbox
            set attempts = attempts + 1, last_error = :error, last_attempt_at = now()
            where id in (:ids)
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TopicProvisioner topics;
    private final OutboxWakeups wakeups;
    private final MessageServiceProperties.Outbox settings;
    private final Clock clock;
    private final Timer publishLatency;
    private final Counter published;
    private final Counter failures;
    private final Object sleeper = new Object();

    private volatile boolean running;
    private volatile boolean topicReady;
    private Thread thread;

    OutboxRelay(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            KafkaTemplate<String, byte[]> kafka,
            TopicProvisioner topics,
            OutboxWakeups wakeups,
            MessageServiceProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.topics = topics;
        this.wakeups = wakeups;
        this.settings = properties.outbox();
        this.clock = Clock.systemUTC();
        this.publishLatency = Timer.builder("pushpipe.outbox.publish.latency")
                .description("Time from an event's commit to the broker's acknowledgement")
                .publishPercentileHistogram()
                .register(meters);
        this.published = Counter.builder("pushpipe.outbox.published")
                .description("Events published to Kafka and removed from the outbox")
                .baseUnit("events")
                .register(meters);
        this.failures = Counter.builder("pushpipe.outbox.publish.failures")
                .description("Relay cycles that failed and were rolled back for a retry")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.start();
    }

    @Override
    public void stop() {
        Thread stopping;
        synchronized (this) {
            running = false;
            stopping = thread;
            thread = null;
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (stopping != null) {
            try {
                stopping.join(
                        settings.sendTimeout().plus(settings.pollInterval()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        try {
            while (running) {
                try {
                    int count = relayOnce();
                    backoff = settings.initialBackoff();
                    if (count < settings.batchSize()) {
                        awaitWork();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("Outbox relay could not publish, retrying in {} ms: {}", backoff.toMillis(), describe(e));
                    pause(backoff);
                    backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
                }
            }
        } finally {
            wakeups.close();
        }
    }

    /** Returns on an insert notification, after the poll interval, or when the relay stops. */
    private void awaitWork() throws InterruptedException {
        long deadline = System.nanoTime() + settings.pollInterval().toNanos();
        while (running) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || wakeups.await(Duration.ofNanos(Math.min(remaining, WAIT_SLICE.toNanos())))) {
                return;
            }
        }
    }

    /**
     * Runs one relay cycle.
     *
     * @return how many events were published; 0 when the outbox is empty or another relay holds the lock
     */
    int relayOnce() {
        List<PendingEvent> batch = new ArrayList<>();
        try {
            Integer count = transactions.execute(status -> {
                if (!Boolean.TRUE.equals(jdbc.sql(TRY_LOCK)
                        .param("lock", RELAY_LOCK)
                        .query(Boolean.class)
                        .single())) {
                    return 0;
                }
                batch.addAll(jdbc.sql(NEXT_BATCH)
                        .param("limit", settings.batchSize())
                        .query(OutboxRelay::toPendingEvent)
                        .list());
                if (batch.isEmpty()) {
                    return 0;
                }
                ensureTopic();
                publish(batch);
                jdbc.sql(DELETE_PUBLISHED).param("ids", ids(batch)).update();
                return batch.size();
            });
            return count == null ? 0 : count;
        } catch (RuntimeException e) {
            if (!batch.isEmpty()) {
                recordFailure(batch, e);
            }
            throw e;
        }
    }

    /** Makes sure {@code message-sent} is there ({@link TopicProvisioner}); once per relay. */
    private void ensureTopic() {
        if (!topicReady) {
            if (!topics.ensure(topics.messageSent())) {
                throw new OutboxPublishException("topic " + Topics.MESSAGE_SENT + " is not there yet", null);
            }
            topicReady = true;
        }
    }

    private void publish(List<PendingEvent> batch) {
        List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>(batch.size());
        for (PendingEvent event : batch) {
            CompletableFuture<SendResult<String, byte[]>> send = kafka.send(event.toRecord());
            sends.add(send);
            if (send.isCompletedExceptionally()) {
                break; // the broker is unreachable: do not wait out max.block.ms once per record
            }
        }
        // The whole batch is in hand: send it now rather than after linger.ms.
        kafka.flush();
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new OutboxPublishException("Kafka refused the batch: " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new OutboxPublishException(
                    "Kafka did not acknowledge the batch within "
                            + settings.sendTimeout().toMillis() + " ms",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxPublishException("interrupted while waiting for Kafka", e);
        }
        Instant now = clock.instant();
        batch.forEach(event -> publishLatency.record(Duration.between(event.createdAt(), now)));
        published.increment(batch.size());
        log.debug(
                "Published {} outbox events, last eventId={}",
                batch.size(),
                batch.get(batch.size() - 1).eventId());
    }

    private void recordFailure(List<PendingEvent> batch, RuntimeException failure) {
        try {
            jdbc.sql(RECORD_FAILURE)
                    .param("error", describe(failure))
                    .param("ids", ids(batch))
                    .update();
        } catch (RuntimeException e) {
            log.debug("Could not record the outbox failure", e);
        }
    }

    private void pause(Duration duration) {
        synchronized (sleeper) {
            if (running) {
                try {
                    sleeper.wait(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private static List<Long> ids(List<PendingEvent> batch) {
        return batch.stream().map(PendingEvent::id).toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause() != null && e.getCause() != e ? e.getCause() : e;
        return e.getMessage() + (cause != e ? " (" + cause.getClass().getSimpleName() + ")" : "");
    }

    private static PendingEvent toPendingEvent(ResultSet rs, int row) throws SQLException {
        return new PendingEvent(
                rs.getLong("id"),
                rs.getObject("event_id", UUID.class),
                rs.getString("topic"),
                rs.getString("event_key"),
                rs.getString("event_type"),
                rs.getString("payload"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    private record PendingEvent(
            long id, UUID eventId, String topic, String key, String eventType, String payload, Instant createdAt) {

        ProducerRecord<String, byte[]> toRecord() {
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topic, key, payload.getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
            return record;
        }
    }

    /** A relay cycle could not get its batch acknowledged by Kafka; the rows stay for the next attempt. */
    static final class OutboxPublishException extends RuntimeException {
        OutboxPublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
