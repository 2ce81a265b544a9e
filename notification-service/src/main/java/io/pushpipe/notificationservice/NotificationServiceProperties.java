package io.pushpipe.notificationservice;

import io.pushpipe.common.MessageType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * notification-service settings under {@code pushpipe.*}; each can be set by environment variable, for
 * example {@code PUSHPIPE_EXPO_BASE_URL} or {@code PUSHPIPE_EXPO_ACCESS_TOKEN}.
 *
 * @param api limits of the HTTP API
 * @param content what the notifications say
 * @param delivery how consumed events are retried and dead-lettered
 * @param receipts when and how Expo's receipts are fetched
 * @param tokens when deactivating tokens stops and raises the alarm instead
 * @param retention how long delivery records are kept
 * @param health how often the health components that need a query are measured
 * @param dlt how dead letters are replayed
 */
@Validated
@ConfigurationProperties("pushpipe")
public record NotificationServiceProperties(
        @Valid @NotNull @DefaultValue Api api,
        @Valid @NotNull @DefaultValue Content content,
        @Valid @NotNull @DefaultValue Delivery delivery,
        @Valid @NotNull @DefaultValue Receipts receipts,
        @Valid @NotNull @DefaultValue Tokens tokens,
        @Valid @NotNull @DefaultValue Retention retention,
        @Valid @NotNull @DefaultValue Health health,
        @Valid @NotNull @DefaultValue Dlt dlt) {

    /**
     * @param maxRequestSize largest request body accepted; larger ones get 413. Token registrations and test
     *     pushes are a few hundred bytes
     */
    public record Api(@NotNull @DefaultValue("16KB") DataSize maxRequestSize) {}

    /**
     * @param previewLength longest message preview in a notification's body, in characters
     * @param showPreview false replaces the preview with {@code genericBody}, for privacy
     * @param genericBody the body when previews are off
     * @param androidChannelId the Android notification channel; it must exist in the app
     * @param collapseDuplicates every push of one event carries one collapse identity ({@code collapseId},
     *     {@code tag}), so a push repeated after a crash replaces the notification on the phone
     */
    public record Content(
            @Min(1) @Max(1000) @DefaultValue("120") int previewLength,
            @DefaultValue("true") boolean showPreview,

            @NotBlank @DefaultValue("Open the app to read it.")
            String genericBody,

            @NotBlank @DefaultValue("default") String androidChannelId,
            @DefaultValue("true") boolean collapseDuplicates) {}

    /**
     * @param retryDelay how long a batch waits before it is redelivered after transient failures
     * @param maxDevicesPerEvent the most devices one event is pushed to, the most recently registered first: a
     *     defence behind the device quota ({@code pushpipe.tokens.max-per-user}), so that no receiver can take
     *     the project's Expo budget or a batch's time
     * @param maxDeviceAttempts attempts for one device that Expo keeps throttling ({@code
     *     MessageRateExceeded}) before that delivery is given up
     * @param batchTimeBudget requests of a batch not started within this time are not sent but redelivered,
     *     so that a slow Expo never makes a batch outlive the consumer's {@code max.poll.interval.ms}
     * @param deadLetterPublishInterval how often dead letters recorded in the ledger but not yet on the DLT
     *     (it was unwritable) are published again
     * @param urgentTypes message types that go first within a batch when Expo's limit makes pushes wait
     *     (interview invitations, tests); a receiver's own messages still arrive in the order they were sent
     */
    public record Delivery(
            @NotNull @DefaultValue("2s") Duration retryDelay,
            @Min(1) @DefaultValue("20") int maxDevicesPerEvent,
            @Min(1) @DefaultValue("5") int maxDeviceAttempts,
            @NotNull @DefaultValue("2m") Duration batchTimeBudget,
            @NotNull @DefaultValue("5s") Duration deadLetterPublishInterval,

            @NotNull @DefaultValue({"zoom_link", "form_link"})
            Set<MessageType> urgentTypes) {}

    /**
     * @param delay how old a ticket must be before its receipt is asked for (Expo: about 15 minutes)
     * @param pollInterval how often the poller looks for tickets due
     * @param batchSize tickets claimed and asked for in one request; Expo allows 1000
     * @param lease how long a claimed ticket is reserved for one instance
     * @param giveUpAfter tickets still without a receipt this long after sending are marked unknown
     *     (Expo keeps receipts about a day)
     */
    public record Receipts(
            @NotNull @DefaultValue("15m") Duration delay,
            @NotNull @DefaultValue("30s") Duration pollInterval,
            @Min(1) @Max(1000) @DefaultValue("1000") int batchSize,
            @NotNull @DefaultValue("5m") Duration lease,
            @NotNull @DefaultValue("24h") Duration giveUpAfter) {}

    /**
     * @param deactivationWindow the window deactivations are counted in
     * @param maxDeactivationShare share of the active tokens that may be deactivated in the window; more
     *     is treated as a false wave: tokens are quarantined instead and the alarm is raised
     * @param minWaveSize fewer deactivations than this in the window are never a wave
     * @param throttleDuration how long pushes to a device wait after a {@code MessageRateExceeded} receipt
     * @param maxPerUser active tokens one user may have; registering one more deactivates that user's least
     *     recently registered token (the old phone, usually)
     */
    public record Tokens(
            @NotNull @DefaultValue("1h") Duration deactivationWindow,

            @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1")
            double maxDeactivationShare,

            @Min(1) @DefaultValue("20") int minWaveSize,
            @NotNull @DefaultValue("1m") Duration throttleDuration,
            @Min(1) @DefaultValue("10") int maxPerUser) {}

    /**
     * @param maxAge delivery records, dedup records and receipts older than this are purged
     * @param batchSize rows deleted per statement, so that no statement holds locks for long
     * @param interval how often the purge runs
     */
    public record Retention(
            @NotNull @DefaultValue("30d") Duration maxAge,
            @Min(1) @DefaultValue("5000") int batchSize,
            @NotNull @DefaultValue("1h") Duration interval) {}

    /**
     * @param refreshInterval how often the {@code tokenHygiene} and {@code receipts} health components and
     *     their gauges are measured, in the background: a health call or a scrape reads the last measurement
     *     and never queries the database itself
     */
    public record Health(@NotNull @DefaultValue("5s") Duration refreshInterval) {}

    /**
     * @param replayPageSize dead letters a replay checks, reads and sends at a time: bounds the memory one
     *     replay holds and the size of each statement it runs
     */
    public record Dlt(
            @Min(1) @Max(5000) @DefaultValue("500") int replayPageSize) {}
}
