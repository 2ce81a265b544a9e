package io.pushpipe.notificationservice.receipt;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When and how Expo's receipts are fetched.
 *
 * @param delay how old a ticket must be before its receipt is asked for (Expo: about 15 minutes)
 * @param pollInterval how often the poller looks for tickets due
 * @param batchSize tickets claimed and asked for in one request; Expo allows 1000
 * @param lease how long a claimed ticket is reserved for one instance
 * @param giveUpAfter tickets still without a receipt this long after sending are marked unknown
 *     (Expo keeps receipts about a day)
 */
@Validated
@ConfigurationProperties("pushpipe.receipts")
record ReceiptProperties(
        @NotNull @DefaultValue("15m") Duration delay,
        @NotNull @DefaultValue("30s") Duration pollInterval,
        @Min(1) @Max(1000) @DefaultValue("1000") int batchSize,
        @NotNull @DefaultValue("5m") Duration lease,
        @NotNull @DefaultValue("24h") Duration giveUpAfter) {}
