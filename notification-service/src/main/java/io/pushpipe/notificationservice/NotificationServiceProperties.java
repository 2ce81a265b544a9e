package io.pushpipe.notificationservice;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * notification-service settings under {@code pushpipe.*}; each can be set by environment variable, for
 * example {@code PUSHPIPE_EXPO_BASE_URL} or {@code PUSHPIPE_EXPO_ACCESS_TOKEN}.
 *
 * @param api limits of the HTTP API
 * @param health how often the health components that need a query are measured
 */
@Validated
@ConfigurationProperties("pushpipe")
public record NotificationServiceProperties(
        @Valid @NotNull @DefaultValue Api api,
        @Valid @NotNull @DefaultValue Health health) {

    /**
     * @param maxRequestSize largest request body accepted; larger ones get 413. Token registrations and test
     *     pushes are a few hundred bytes
     */
    public record Api(@NotNull @DefaultValue("16KB") DataSize maxRequestSize) {}

    /**
     * @param refreshInterval how often the {@code tokenHygiene} and {@code receipts} health components and
     *     their gauges are measured, in the background: a health call or a scrape reads the last measurement
     *     and never queries the database itself
     */
    public record Health(@NotNull @DefaultValue("5s") Duration refreshInterval) {}
}
