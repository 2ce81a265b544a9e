package io.pushpipe.notificationservice.token;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When deactivating tokens stops and raises the alarm instead.
 *
 * @param deactivationWindow the window deactivations are counted in
 * @param maxDeactivationShare share of the active tokens that may be deactivated in the window; more
 *     is treated as a false wave: tokens are quarantined instead and the alarm is raised
 * @param minWaveSize fewer deactivations than this in the window are never a wave
 * @param throttleDuration how long pushes to a device wait after a {@code MessageRateExceeded} receipt
 * @param maxPerUser active tokens one user may have; registering one more deactivates that user's least
 *     recently registered token (the old phone, usually)
 */
@Validated
@ConfigurationProperties("pushpipe.tokens")
record TokenProperties(
        @NotNull @DefaultValue("1h") Duration deactivationWindow,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1")
        double maxDeactivationShare,

        @Min(1) @DefaultValue("20") int minWaveSize,
        @NotNull @DefaultValue("1m") Duration throttleDuration,
        @Min(1) @DefaultValue("10") int maxPerUser) {}
