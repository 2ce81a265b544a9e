package io.pushpipe.notificationservice;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How often the health components that need a query are measured. The token and receipt features read the
 * value in their {@code @Scheduled} delays ({@code TokenHygiene}, {@code ReceiptPoller}); this record is what
 * validates and documents it.
 *
 * @param refreshInterval how often the {@code tokenHygiene} and {@code receipts} health components and
 *     their gauges are measured, in the background: a health call or a scrape reads the last measurement
 *     and never queries the database itself
 */
@Validated
@ConfigurationProperties("pushpipe.health")
record HealthProperties(@NotNull @DefaultValue("5s") Duration refreshInterval) {}
