package io.pushpipe.notificationservice;

import io.pushpipe.common.MessageType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
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
 * @param expo how to reach the Expo Push API and how hard to push it
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
        @Valid @NotNull @DefaultValue Expo expo,
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
     * @param baseUrl Expo's origin; requests go to {@code <base-url>/--/api/v2/push/send}
     * @param accessToken sent as {@code Authorization: Bearer} when set (Expo's enhanced push security)
     * @param maxRecipientsPerRequest tokens per send request; Expo refuses more than 100
     * @param maxConcurrentRequests send requests in flight at once, waiting for their booked start included.
     *     Little's law: to fill the limit, {@code notifications-per-second / 100 × (Expo's round trip +
     *     pacing.booking-horizon)} must fit; the default fills 600/s up to round trips of 1.5 s
     * @param notificationsPerSecond Expo's limit per project (600), shared by every instance of the group:
     *     each request is booked in PostgreSQL first, so adding or losing instances needs no change. 0 turns
     *     the limit off (a project Expo allows more)
     * @param pacing how requests are spread under the limit
     * @param connectTimeout TCP connect timeout
     * @param requestTimeout time allowed for a whole request and its answer
     * @param gzipThresholdBytes request bodies larger than this are gzip-compressed
     * @param retry retries of one request on 429, 5xx, timeouts and non-JSON answers
     * @param circuitBreaker when to stop calling Expo and pause consumption
     */
    public record Expo(
            @NotNull @DefaultValue("https://exp.host") URI baseUrl,
            String accessToken,
            @Min(1) @Max(100) @DefaultValue("100") int maxRecipientsPerRequest,
            @Min(1) @Max(64) @DefaultValue("12") int maxConcurrentRequests,
            @Min(0) @DefaultValue("600") int notificationsPerSecond,
            @Valid @NotNull @DefaultValue Pacing pacing,
            @NotNull @DefaultValue("5s") Duration connectTimeout,
            @NotNull @DefaultValue("15s") Duration requestTimeout,
            @Min(0) @DefaultValue("1024") int gzipThresholdBytes,
            @Valid @NotNull @DefaultValue Retry retry,
            @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker) {}

    /**
     * @param margin a request may start only when the requests booked in the last second plus this margin
     *     leave room for it: what it costs is a share of the limit ({@code 1 s / (1 s + margin)}), what it buys
     *     is that a request reaching Expo this much later than booked (a GC pause, a busy core) never shares
     *     one of Expo's seconds with the requests booked a window after it
     * @param bookingHorizon how far ahead a request may book its start; a later one waits and asks again, so
     *     that a crashed instance leaves at most this much of the limit unused
     * @param slowDownFactor after a 429 every instance together sends at this share of the rate it had (once
     *     per 5 s at most)
     * @param recovery the rate then creeps back by the whole limit over this long: from 90 % back to the
     *     limit in a tenth of it
     */
    public record Pacing(
            @NotNull @DefaultValue("30ms") Duration margin,
            @NotNull @DefaultValue("500ms") Duration bookingHorizon,

            @DecimalMin("0.1") @DecimalMax("1.0") @DefaultValue("0.9")
            double slowDownFactor,

            @NotNull @DefaultValue("30s") Duration recovery) {}

    /**
     * @param maxAttempts attempts of one request, the first included
     * @param initialBackoff wait before the first retry; doubles each time, with jitter
     * @param maxBackoff longest wait between attempts
     */
    public record Retry(
            @Min(1) @DefaultValue("4") int maxAttempts,
            @NotNull @DefaultValue("500ms") Duration initialBackoff,
            @NotNull @DefaultValue("10s") Duration maxBackoff) {}

    /**
     * @param failureRateThreshold percentage of failed requests that opens the circuit
     * @param slidingWindowSize requests the failure rate is computed over
     * @param minimumCalls requests needed before the rate counts
     * @param openDuration how long the circuit stays open before probing Expo again
     * @param halfOpenCalls probe requests allowed while half-open
     * @param slowCallDuration a request answered slower than this counts toward opening the circuit like a
     *     failure, so a struggling Expo pauses consumption instead of stretching batches
     */
    public record CircuitBreaker(
            @DecimalMin("1") @DecimalMax("100") @DefaultValue("50")
            float failureRateThreshold,

            @Min(1) @DefaultValue("10") int slidingWindowSize,
            @Min(1) @DefaultValue("5") int minimumCalls,
            @NotNull @DefaultValue("5s") Duration openDuration,
            @Min(1) @DefaultValue("2") int halfOpenCalls,
            @NotNull @DefaultValue("5s") Duration slowCallDuration) {}

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
