package io.pushpipe.messageservice.outbox;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code outbox} health component: DOWN when an event has waited longer than {@code
 * pushpipe.outbox.max-healthy-age}, which means Kafka has been unreachable for that long. It is left out
 * of the readiness group on purpose: the API keeps accepting messages while Kafka is down. Its details say
 * whether insert notifications wake the relay or it polls ({@link OutboxWakeups}).
 */
@Component
class OutboxHealthIndicator implements HealthIndicator {

    private final OutboxBacklog backlog;
    private final OutboxWakeups wakeups;
    private final Duration maxHealthyAge;

    OutboxHealthIndicator(OutboxBacklog backlog, OutboxWakeups wakeups, OutboxProperties settings) {
        this.backlog = backlog;
        this.wakeups = wakeups;
        this.maxHealthyAge = settings.maxHealthyAge();
    }

    @Override
    public Health health() {
        OutboxBacklog.Snapshot snapshot = backlog.snapshot();
        Duration age = snapshot.oldestAge().orElse(Duration.ZERO);
        Health.Builder health = age.compareTo(maxHealthyAge) > 0 ? Health.down() : Health.up();
        return health.withDetail("pending", snapshot.pending())
                .withDetail("oldestAgeSeconds", age.toMillis() / 1000.0)
                .withDetail("maxHealthyAgeSeconds", maxHealthyAge.toSeconds())
                .withDetail("insertNotifications", wakeups.notificationsArrive() ? "arriving" : "not arriving: polling")
                .build();
    }
}
