package io.pushpipe.notificationservice.expo;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach the Expo Push API and how hard to push it; each setting can be set by environment variable,
 * for example {@code PUSHPIPE_EXPO_BASE_URL} or {@code PUSHPIPE_EXPO_ACCESS_TOKEN}.
 *
 * @param baseUrl Expo's origin; requests go to {@code <base-url>/--/api/v2/push/send}
 * @param accessToken sent as {@code Authorization: Bearer} when set (Expo's enhanced push security)
 * @param maxRecipientsPerRequest tokens per send request; Expo refuses more than 100
 * @param maxConcurrentRequests send requests in flight at once, waiting for their booked start included.
 *     Little's law: to fill the limit, {@code notifications-per-second / recipients per request × (Expo's
 *     round trip + pacing.booking-horizon)} must fit. At Expo's limit requests carry 27–43 recipients on
 *     average (parts, small batches), so a round trip of 500 ms needs 14–22; the default fills 600/s up to
 *     that, and up to round trips of 3.5 s with requests of 100
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
@Validated
@ConfigurationProperties("pushpipe.expo")
record ExpoProperties(
        @NotNull @DefaultValue("https://exp.host") URI baseUrl,
        String accessToken,
        @Min(1) @Max(100) @DefaultValue("100") int maxRecipientsPerRequest,
        @Min(1) @Max(64) @DefaultValue("24") int maxConcurrentRequests,
        @Min(0) @DefaultValue("600") int notificationsPerSecond,
        @Valid @NotNull @DefaultValue Pacing pacing,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("15s") Duration requestTimeout,
        @Min(0) @DefaultValue("1024") int gzipThresholdBytes,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker) {

    /**
     * @param margin a request may start only when the requests booked in the last second plus this margin
     *     leave room for it: what it costs is a share of the limit ({@code 1 s / (1 s + margin)}), what it buys
     *     is that a request reaching Expo this much later than booked (a GC pause, a busy core) never shares
     *     one of Expo's seconds with the requests booked a window after it
     * @param bookingHorizon how far ahead a request may book its start; a later one waits and asks again, so
     *     that a crashed instance leaves at most this much of the limit unused
     * @param catchUp how far ahead of the even pace a request may start when the ones before it missed their
     *     turn (a GC pause, a busy core, threads still waiting for Expo's answers): they go at twice the pace
     *     until they are back on it, so the stall's share of the limit is used instead of lost, never beyond
     *     what the window allows
     * @param slowDownFactor after a 429 every instance together sends at this share of the rate it had (once
     *     per 5 s at most)
     * @param recovery the rate then creeps back by the whole limit over this long: from 90 % back to the
     *     limit in a tenth of it
     */
    record Pacing(
            @NotNull @DefaultValue("30ms") Duration margin,
            @NotNull @DefaultValue("500ms") Duration bookingHorizon,
            @NotNull @DefaultValue("250ms") Duration catchUp,

            @DecimalMin("0.1") @DecimalMax("1.0") @DefaultValue("0.9")
            double slowDownFactor,

            @NotNull @DefaultValue("30s") Duration recovery) {}

    /**
     * @param maxAttempts attempts of one request, the first included
     * @param initialBackoff wait before the first retry; doubles each time, with jitter
     * @param maxBackoff longest wait between attempts
     */
    record Retry(
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
    record CircuitBreaker(
            @DecimalMin("1") @DecimalMax("100") @DefaultValue("50")
            float failureRateThreshold,

            @Min(1) @DefaultValue("10") int slidingWindowSize,
            @Min(1) @DefaultValue("5") int minimumCalls,
            @NotNull @DefaultValue("5s") Duration openDuration,
            @Min(1) @DefaultValue("2") int halfOpenCalls,
            @NotNull @DefaultValue("5s") Duration slowCallDuration) {}
}
