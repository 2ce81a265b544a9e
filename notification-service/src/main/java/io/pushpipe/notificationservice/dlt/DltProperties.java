package io.pushpipe.notificationservice.dlt;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How dead letters are replayed.
 *
 * @param replayPageSize dead letters a replay checks, reads and sends at a time: bounds the memory one
 *     replay holds and the size of each statement it runs
 */
@Validated
@ConfigurationProperties("pushpipe.dlt")
public record DltProperties(
        @Min(1) @Max(5000) @DefaultValue("500") int replayPageSize) {}
