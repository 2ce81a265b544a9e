package io.pushpipe.messageservice.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.Topics;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * One cycle of the {@link OutboxRelay}: take or renew the relay lease and read the next batch in id order
 * (one statement), publish the batch and wait for every acknowledgement, then delete it. No transaction or
 * connection is held while Kafka acknowledges, so the cycle works through a transaction-mode pooler. A
 * cycle that fails leaves its rows for the next one, records the failure on them and drops whatever of the
 * batch the producer still holds, so that it is not delivered after the rows were given up.
 */
@Component
class RelayCycle {

    private static final Logger log = LoggerFactory.getLogger(RelayCycle.class);

    /**
     * Takes the lease when it is free or has expired, renews it when this relay holds it, and reads the next
     * batch only if either happened. Concurrent relays queue on the lease row; the later one sees it taken.
     */
    private static final String LEASE_AND_NEXT_BATCH = """
            with lease as (
                update relay_lease
                set holder = :holder, expires_at = now() + make_interval(secs => :seconds)
                where holder = :holder or expires_at < now()
                returning holder)
            select id, event_id, topic, event_key, event_type, payload, created_at
            from outbox
            where exists (select from lease)
            order by id
            limit :limit
            """;

    private static final String RENEW_LEASE = """
            update relay_lease
            set expires_at = now() + make_interval(secs => :seconds)
            where holder = :holder
            """;

    private static final String RELEASE_LEASE =
            "update relay_lease set expires_at = '-infinity' where holder = :holder";

    private static final String DELETE_PUBLISHED = "delete from outbox where id in (:ids)";

    private static final String RECORD_FAILURE = """
            update outbox
            set attempts = attempts + 1, last_error = :error, last_attempt_at = now()
            where id in (:ids)
            """;

    private final UUID holder = UUID.randomUUID();
    private final JdbcClient jdbc;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TopicProvisioner topics;
    private final OutboxProperties settings;
    private final Clock clock = Clock.systemUTC();
    private final Timer pickupLatency;
    private final Timer publishLatency;
    private final Counter published;

    private volatile boolean topicReady;

    RelayCycle(
            JdbcClient jdbc,
            KafkaTemplate<String, byte[]> kafka,
            TopicProvisioner topics,
            OutboxProperties settings,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.topics = topics;
        this.settings = settings;
        this.pickupLatency = Timer.builder("pushpipe.outbox.pickup.latency")
                .description("Time from an event's insert to the relay reading it: the relay's wake-up")
                .register(meters);
        this.publishLatency = Timer.builder("pushpipe.outbox.publish.latency")
                .description("Time from an event's commit to the broker's acknowledgement")
                .publishPercentileHistogram()
                .register(meters);
        this.published = Counter.builder("pushpipe.outbox.published")
                .description("Events published to Kafka and removed from the outbox")
                .baseUnit("events")
                .register(meters);
    }

    /**
     * Runs one relay cycle.
     *
     * @return how many events were published; 0 when the outbox is empty or another relay holds the lease
     */
    int relayOnce() {
        List<PendingEvent> batch = jdbc.sql(LEASE_AND_NEXT_BATCH)
                .param("holder", holder)
                .param("seconds", leaseSeconds())
                .param("limit", settings.batchSize())
                .query(RelayCycle::toPendingEvent)
                .list();
        if (batch.isEmpty()) {
            return 0;
        }
        Instant read = clock.instant();
        batch.forEach(event -> pickupLatency.record(Duration.between(event.createdAt(), read)));
        try {
            ensureTopic();
            publish(batch);
        } catch (RuntimeException e) {
            kafka.getProducerFactory().reset();
            recordFailure(batch, e);
            throw e;
        }
        jdbc.sql(DELETE_PUBLISHED).param("ids", ids(batch)).update();
        return batch.size();
    }

    /** This relay's identity in {@code relay_lease}. */
    UUID holder() {
        return holder;
    }

    /** Hands the lease over at once, so that another instance's relay takes over without waiting for it. */
    void releaseLease() {
        jdbc.sql(RELEASE_LEASE).param("holder", holder).update();
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
            awaitAcknowledgements(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)));
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

    /** Waits up to the send timeout, renewing the lease meanwhile so that no other relay takes the batch. */
    private void awaitAcknowledgements(CompletableFuture<Void> acknowledged)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
        long renewEvery = settings.leaseDuration().toNanos() / 3;
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                acknowledged.get(Math.min(left, renewEvery), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                if (left <= renewEvery) {
                    throw e;
                }
                jdbc.sql(RENEW_LEASE)
                        .param("holder", holder)
                        .param("seconds", leaseSeconds())
                        .update();
            }
        }
    }

    private double leaseSeconds() {
        return settings.leaseDuration().toMillis() / 1000.0;
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

    private static List<Long> ids(List<PendingEvent> batch) {
        return batch.stream().map(PendingEvent::id).toList();
    }

    /** The failure in one line: its message and the class of its cause. */
    static String describe(Throwable e) {
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
