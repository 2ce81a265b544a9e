package io.pushpipe.messageservice.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** How many events wait in the outbox and for how long: the signal that Kafka publishing is stuck. */
@Component
class OutboxBacklog implements MeterBinder {

    private static final String PENDING = """
            select count(*) as pending, min(created_at) as oldest
            from outbox
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    OutboxBacklog(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    Snapshot snapshot() {
        return jdbc.sql(PENDING)
                .query((rs, row) -> new Snapshot(
                        rs.getLong("pending"),
                        Optional.ofNullable(rs.getObject("oldest", OffsetDateTime.class))
                                .map(oldest -> Duration.between(oldest.toInstant(), clock.instant()))))
                .single();
    }

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
