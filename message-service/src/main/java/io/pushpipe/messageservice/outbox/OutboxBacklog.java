package io.pushpipe.messageservice.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How many events wait in the outbox and for how long: the signal that Kafka publishing is stuck.
 *
 * <p>The open health endpoint and every scrape read it, so they read a measurement at most {@link #MAX_AGE}
 * old: when it is older, one background thread measures again while callers get the last one. No request
 * or scrape waits for the database (only the very first measurement is taken in the caller's thread).
 */
@Component
class OutboxBacklog implements MeterBinder, DisposableBean {

    /** How old a measurement may be before it is taken again. */
    static final Duration MAX_AGE = Duration.ofSeconds(2);

    /** The oldest row through {@code outbox_created_at_idx}; the count covers only rows not yet published. */
    private static final String PENDING = """
            select count(*) as pending, min(created_at) as oldest
            from outbox
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ExecutorService measurer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outbox-backlog");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean measuring = new AtomicBoolean();
    private volatile Measurement last;

    OutboxBacklog(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    /** The last measurement, at most about {@link #MAX_AGE} old. */
    Snapshot snapshot() {
        Measurement measurement = last;
        if (measurement == null) {
            measurement = measure();
        } else if (measurement.at().plus(MAX_AGE).isBefore(clock.instant()) && measuring.compareAndSet(false, true)) {
            measurer.execute(() -> {
                try {
                    measure();
                } catch (RuntimeException e) {
                    // the last measurement stays; the next caller triggers another attempt
                } finally {
                    measuring.set(false);
                }
            });
        }
        return new Snapshot(
                measurement.pending(), measurement.oldest().map(oldest -> Duration.between(oldest, clock.instant())));
    }

    private Measurement measure() {
        Measurement measurement = jdbc.sql(PENDING)
                .query((rs, row) -> new Measurement(
                        rs.getLong("pending"),
                        Optional.ofNullable(rs.getObject("oldest", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant),
                        clock.instant()))
                .single();
        last = measurement;
        return measurement;
    }

    @Override
    public void destroy() {
        measurer.shutdownNow();
    }

    private record Measurement(long pending, Optional<Instant> oldest, Instant at) {}

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(
                        "pushpipe.outbox.backlog",
                        this,
                        backlog -> backlog.snapshot().pending())
                .description("Events stored but not yet published to Kafka")
                .baseUnit("events")
                .register(registry);
        Gauge.builder(
                        "pushpipe.outbox.oldest.age",
                        this,
                        backlog -> backlog.snapshot()
                                .oldestAge()
                                .map(age -> age.toMillis() / 1000.0)
                                .orElse(0.0))
                .description("Age of the oldest unpublished event; 0 when the outbox is empty")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * @param pending events not yet acknowledged by Kafka
     * @param oldestAge how long the oldest of them has waited; empty when there are none
     */
    record Snapshot(long pending, Optional<Duration> oldestAge) {}
}
