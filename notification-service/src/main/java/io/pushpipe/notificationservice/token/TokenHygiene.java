package io.pushpipe.notificationservice.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.expo.ExpoError;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Deactivates tokens Expo reports as {@code DeviceNotRegistered}, unless too many arrive at once: a wave
 * of false {@code DeviceNotRegistered} has happened before, and it must not wipe most of the tokens.
 * Past {@code pushpipe.tokens.max-deactivation-share} of the active tokens within the window (and at least
 * {@code min-wave-size}), tokens are quarantined instead: they stay active, the {@code tokenHygiene}
 * health component goes DOWN, and every further deactivation is held back until a person deactivates or
 * restores them ({@code POST /admin/tokens/quarantine/release}). A token its app registers again leaves
 * the quarantine: it is alive. Restoring also sends again what the wave made fail ({@link WaveRedelivery}).
 *
 * <p>The number of active tokens and of held ones (the health component, the gauge, the guard's share) is
 * measured in the background every {@code pushpipe.health.refresh-interval}: a health call, a scrape or a
 * batch never counts the table. A batch with {@code DeviceNotRegistered} answers runs only the two exact
 * counts the guard needs, both read from partial indexes.
 */
@Component
class TokenHygiene implements HealthIndicator {

    static final String NOT_REGISTERED = ExpoError.DEVICE_NOT_REGISTERED.code();

    private static final Logger log = LoggerFactory.getLogger(TokenHygiene.class);

    /** Through {@code push_tokens_user_id_idx} (active) and {@code push_tokens_quarantined_idx}. */
    private static final String MEASURE = """
            select (select count(*) from push_tokens where active) as active,
                   (select count(*) from push_tokens where quarantined_at is not null and active) as held
            """;

    /** Through {@code push_tokens_not_registered_idx} and {@code push_tokens_quarantined_idx}. */
    private static final String GUARD = """
            select (select count(*) from push_tokens
                    where deactivation_reason = 'DeviceNotRegistered' and deactivated_at > :since) as recent,
                   exists (select 1 from push_tokens where quarantined_at is not null and active) as held
            """;

    private static final String QUARANTINED = """
            select count(*) from push_tokens where quarantined_at is not null and active
            """;

    private static final String WAVE_STARTED = """
            select min(quarantined_at) from push_tokens where quarantined_at is not null and active
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
            where quarantined_at is not null and active
            """;

    private static final String RELEASE_BY_RESTORING = """
            update push_tokens set quarantined_at = null, quarantine_reason = null where quarantined_at is not null
            """;

    private final JdbcClient jdbc;
    private final TokenRegistry registry;
    private final WaveRedelivery redelivery;
    private final TokenProperties settings;
    private final Clock clock = Clock.systemUTC();
    private final MeterRegistry meters;
    private volatile Measurement last;

    TokenHygiene(
            JdbcClient jdbc,
            TokenRegistry registry,
            WaveRedelivery redelivery,
            TokenProperties settings,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.redelivery = redelivery;
        this.settings = settings;
        this.meters = meters;
        Gauge.builder(
                        "pushpipe.tokens.quarantined",
                        this,
                        hygiene -> hygiene.measurement().map(Measurement::held).orElse(0L))
                .description("Tokens held back from deactivation by the wave guard, waiting for a person")
                .register(meters);
    }

    /** Measures the active and held tokens, for the health component, the gauge and the guard. */
    @Scheduled(initialDelay = 0, fixedDelayString = "${pushpipe.health.refresh-interval:5s}")
    synchronized void measure() {
        try {
            last = jdbc.sql(MEASURE)
                    .query((rs, row) -> new Measurement(rs.getLong("active"), rs.getLong("held"), clock.instant()))
                    .single();
        } catch (RuntimeException e) {
            log.warn("Token counts not measured this time: {}", e.getMessage());
        }
    }

    /**
     * Deactivates the tokens Expo no longer knows, or quarantines them when that would be a wave.
     *
     * @return how many were deactivated (0 when they were quarantined)
     */
    int deactivateNotRegistered(Collection<String> tokens) {
        if (tokens.isEmpty()) {
            return 0;
        }
        Guard guard = jdbc.sql(GUARD)
                .param("since", Timestamp.from(clock.instant().minus(settings.deactivationWindow())))
                .query((rs, row) -> new Guard(rs.getLong("recent"), rs.getBoolean("held")))
                .single();
        long active = measured().active();
        long allowed = Math.max(settings.minWaveSize(), (long) Math.ceil(active * settings.maxDeactivationShare()));
        if (guard.held() || guard.recent() + tokens.size() > allowed) {
            int quarantined = jdbc.sql(QUARANTINE)
                    .param("reason", NOT_REGISTERED)
                    .param("tokens", tokens)
                    .update();
            measureOnceCommitted();
            log.error(
                    "🚨 Token clean-up stopped: {} DeviceNotRegistered in {} against {} active tokens (allowed {});"
                            + " {} more tokens quarantined. Check Expo, then release them.",
                    guard.recent() + tokens.size(),
                    settings.deactivationWindow(),
                    active,
                    allowed,
                    quarantined);
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

    /** How many tokens are held right now, counted exactly (for operators, not for probes). */
    long quarantined() {
        return jdbc.sql(QUARANTINED).query(Long.class).single();
    }

    /**
     * Ends the quarantine. Deactivating: the held tokens are deactivated after all (Expo was right); tokens
     * registered again since left the quarantine then and stay. Restoring: the held tokens stay, and every push
     * the wave made fail is sent again to the devices that are active now ({@link WaveRedelivery}).
     */
    Release release(boolean deactivate) {
        WaveRedelivery.Outcome resent = WaveRedelivery.Outcome.NONE;
        if (!deactivate) {
            Optional<Instant> waveStarted = jdbc.sql(WAVE_STARTED)
                    .query(OffsetDateTime.class)
                    .optional()
                    .map(OffsetDateTime::toInstant);
            if (waveStarted.isPresent()) {
                resent = redelivery.resendSince(waveStarted.get());
            }
        }
        int released = jdbc.sql(deactivate ? RELEASE_BY_DEACTIVATING : RELEASE_BY_RESTORING)
                .update();
        measure();
        log.warn(
                "Token quarantine released: {} tokens {}; {} events sent again, {} not found in message-sent",
                released,
                deactivate ? "deactivated" : "restored",
                resent.resent(),
                resent.notFound());
        return new Release(released, resent);
    }

    /**
     * Measures again once the quarantine is visible: after the caller's transaction commits. A scheduled
     * measurement that read before the commit finishes first ({@link #measure} is serialised), so it cannot
     * overwrite this one with a count that misses the held tokens.
     */
    private void measureOnceCommitted() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            measure();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                measure();
            }
        });
    }

    /** The last measurement; if there has been none yet, measured now. */
    private Measurement measured() {
        Measurement measurement = last;
        if (measurement == null) {
            measure();
            measurement = last;
        }
        return measurement == null ? new Measurement(0, 0, clock.instant()) : measurement;
    }

    private Optional<Measurement> measurement() {
        return Optional.ofNullable(last);
    }

    @Override
    public Health health() {
        return measurement()
                .map(m -> (m.held() > 0 ? Health.down() : Health.up())
                        .withDetail("quarantinedTokens", m.held())
                        .withDetail("activeTokens", m.active())
                        .withDetail("maxDeactivationShare", settings.maxDeactivationShare())
                        .withDetail("measuredAt", m.at().toString())
                        .build())
                .orElseGet(() ->
                        Health.unknown().withDetail("measuredAt", "not yet").build());
    }

    /** Active tokens and held ones, as measured at {@code at}. */
    private record Measurement(long active, long held, Instant at) {}

    /** Deactivations within the window, and whether a quarantine is on. */
    private record Guard(long recent, boolean held) {}

    /** What a release did. */
    record Release(int released, WaveRedelivery.Outcome resent) {}
}
