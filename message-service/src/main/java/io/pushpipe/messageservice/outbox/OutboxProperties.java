package io.pushpipe.messageservice.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the outbox relay publishes to Kafka.
 *
 * @param batchSize most outbox rows published in one relay cycle
 * @param pollInterval how often the relay looks for rows when no insert notification arrives
 * @param initialBackoff first wait after a failed publish; doubles per failure
 * @param maxBackoff longest wait between publish attempts while Kafka is unreachable
 * @param sendTimeout how long a batch may wait for the broker's acknowledgements
 * @param maxHealthyAge age of the oldest unpublished row above which the outbox reports DOWN
 * @param leaseDuration how long the active relay's lease lasts unless renewed (by every cycle, and every
 *     third of it while a cycle waits for Kafka): after a crash, another instance's relay takes over within
 *     this
 * @param listenUrl JDBC URL of a direct connection to the same database for the relay's {@code LISTEN};
 *     empty to use {@code spring.datasource.url}. Through a transaction-mode pooler notifications do not
 *     arrive: the relay notices and polls every {@code poll-interval}, unless this names a direct connection
 */
@Validated
@ConfigurationProperties("pushpipe.outbox")
record OutboxProperties(
        @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
        @NotNull @DefaultValue("500ms") Duration pollInterval,
        @NotNull @DefaultValue("200ms") Duration initialBackoff,
        @NotNull @DefaultValue("30s") Duration maxBackoff,
        @NotNull @DefaultValue("20s") Duration sendTimeout,
        @NotNull @DefaultValue("1m") Duration maxHealthyAge,
        @NotNull @DefaultValue("10s") Duration leaseDuration,
        @NotNull @DefaultValue("") String listenUrl) {}
