package io.pushpipe.topics;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The topics' settings, the same keys in both services.
 *
 * @param partitions partitions of {@code message-sent} and of {@code message-sent-dlt} (a dead letter keeps
 *     its record's partition number, so the DLT needs as many); used when a topic is created, and compared
 *     with existing topics, never applied to them
 * @param provision false when a platform team manages the topics: pushpipe then creates nothing and only
 *     reports what it can describe
 * @param deadLetterRetention how long {@code message-sent-dlt} keeps records when pushpipe creates it
 * @param timeout how long one describe or create request may take
 */
@Validated
@ConfigurationProperties("pushpipe.topics")
public record TopicsProperties(
        @Min(1) @DefaultValue("12") int partitions,
        @DefaultValue("true") boolean provision,
        @NotNull @DefaultValue("14d") Duration deadLetterRetention,
        @NotNull @DefaultValue("10s") Duration timeout) {}
