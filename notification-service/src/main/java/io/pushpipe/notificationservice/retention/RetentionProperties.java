package io.pushpipe.notificationservice.retention;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long delivery records are kept.
 *
 * @param maxAge delivery records, dedup records and receipts older than this are purged
 * @param batchSize rows deleted per statement, so that no statement holds locks for long
 * @param interval how often the purge runs
 */
@Validated
@ConfigurationProperties("pushpipe.retention")
record RetentionProperties(
        @NotNull @DefaultValue("30d") Duration maxAge,
        @Min(1) @DefaultValue("5000") int batchSize,
        @NotNull @DefaultValue("1h") Duration interval) {}
