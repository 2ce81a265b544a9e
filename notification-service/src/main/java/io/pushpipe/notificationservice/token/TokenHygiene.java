package io.pushpipe.notificationservice.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import io.pushpipe.notificationservice.expo.ExpoError;
import java.time.Clock;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deactivates tokens Expo reports as {@code DeviceNotRegistered}, unless too many arrive at once: a wave
 * of false {@code DeviceNotRegistered} has happened before, and it must not wipe most of the tokens.
 * Past {@code pushpipe.tokens.max-deactivation-share} of the active tokens within the window (and at least
 * {@code min-wave-size}), tokens are quarantined instead: they stay active, the {@code tokenHygiene}
 * health component goes DOWN, and every further deactivation is held back until a person deactivates or
 * restores them ({@code POST /admin/tokens/quarantine/release}).
 */
@Component
public class TokenHygiene implements HealthIndicator {

    static final String NOT_REGISTERED = ExpoError.DEVICE_NOT_REGISTERED.code();

    private static final Logger log = LoggerFactory.getLogger(TokenHygiene.class);

    private static final String COUNTS = """
            select count(*) filter (where deactivation_reason = 'DeviceNotRegistered'
                                    and deactivated_at > :since) as recent,
                   count(*) filter (where active) as active,
                   count(*) filter (where active and quarantined_at is not null) as held
            from push_tokens
            """;

    private static final String QUARANTINED = """
            select count(*) from push_tokens where active and quarantined_at is not null
            """;

    private static final String QUARANTINE = """
            update push_tokens
            set quarantined_at = now(), quarantine_reason = :reason
            where active and quarantined_at is null and expo_token in (:tokens)
            """;

    private static final String RELEASE_BY_DEACTIVATING = """
            update push_tokens
            set active = false, deactivated_at = now(), deactivation_reason = 'DeviceNotRegistered',
                quarantined_at = null, quarantine_reason = null
            where active and quarantined_at is not null
            """;

    private static final String RELEASE_BY_RESTORING = """
            update push_tokens set quarantined_at = null, quarantine_reason = null where quarantined_at is not null
            """;

    private final JdbcClient jdbc;
    private final TokenRegistry registry;
    private final NotificationServiceProperties.Tokens settings;
    private final Clock clock = Clock.systemUTC();
    private final MeterRegistry meters;

    TokenHygiene(
            JdbcClient jdbc, TokenRegistry registry, NotificationServiceProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.settings = properties.tokens();
        this.meters = meters;
        Gauge.builder("pushpipe.tokens.quarantined", this, TokenHygiene::quarantined)
                .description("Tokens held back from deactivation by the wave guard, waiting for a person")
                .register(meters);
    }

    /**
     * Deactivates the tokens Expo no longer knows, or quarantines them when that would be a wave.
     *
     * @return how many were deactivated (0 when they were quarantined)
     */
    public int deactivateNotRegistered(Collection<String> tokens) {
        if (tokens.isEmpty()) {
            return 0;
        }
        Counts counts = jdbc.sql(COUNTS)
                .param("since", java.sql.Timestamp.from(clock.instant().minus(settings.deactivationWindow())))
                .query((rs, row) -> new Counts(rs.getLong("recent"), rs.getLong("active"), rs.getLong("held")))
                .single();
        long recent = counts.recent();
        long active = counts.active();
        long held = counts.held();
        long allowed = Math.max(settings.minWaveSize(), (long) Math.ceil(active * settings.maxDeactivationShare()));
        if (held > 0 || recent + tokens.size() > allowed) {
            int quarantined = jdbc.sql(QUARANTINE)
                    .param("reason", NOT_REGISTERED)
                    .param("tokens", tokens)
                    .update();
            log.error(
                    "🚨 Token clean-up stopped: {} DeviceNotRegistered in {} against {} active tokens (allowed {});"
                            + " {} more tokens quarantined, {} held in all. Check Expo, then release them.",
                    recent + tokens.size(),
                    settings.deactivationWindow(),
                    active,
                    allowed,
                    quarantined,
                    held + quarantined);
            return 0;
        }
        int deactivated = registry.deactivate(tokens, NOT_REGISTERED);
        if (deactivated > 0) {
            log.info("Deactivated {} push tokens that Expo reports as DeviceNotRegistered", deactivated);
        }
        Counter.builder("pushpipe.tokens.deactivated")
                .description("Tokens deactivated because Expo reports them not registered")
                .register(meters)
                .increment(deactivated);
        return deactivated;
    }

    long quarantined() {
        return jdbc.sql(QUARANTINED).query(Long.class).single();
    }

    /** Ends the quarantine: the held tokens are deactivated after all, or restored as they were. */
    int release(boolean deactivate) {
        int released = jdbc.sql(deactivate ? RELEASE_BY_DEACTIVATING : RELEASE_BY_RESTORING)
                .update();
        log.warn("Token quarantine released: {} tokens {}", released, deactivate ? "deactivated" : "restored");
        return released;
    }

    @Override
    public Health health() {
        long held = quarantined();
        return (held > 0 ? Health.down() : Health.up())
                .withDetail("quarantinedTokens", held)
                .withDetail("maxDeactivationShare", settings.maxDeactivationShare())
                .build();
    }

    /** Deactivations within the window, active tokens and quarantined ones, read in one query. */
    private record Counts(long recent, long active, long held) {}
}
