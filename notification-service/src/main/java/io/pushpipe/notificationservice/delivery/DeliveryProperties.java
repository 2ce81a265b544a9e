package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.MessageType;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How consumed events are retried and dead-lettered.
 *
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
@Validated
@ConfigurationProperties("pushpipe.delivery")
record DeliveryProperties(
        @NotNull @DefaultValue("2s") Duration retryDelay,
        @Min(1) @DefaultValue("20") int maxDevicesPerEvent,
        @Min(1) @DefaultValue("5") int maxDeviceAttempts,
        @NotNull @DefaultValue("2m") Duration batchTimeBudget,
        @NotNull @DefaultValue("5s") Duration deadLetterPublishInterval,

        @NotNull @DefaultValue({"zoom_link", "form_link"}) Set<MessageType> urgentTypes) {}
