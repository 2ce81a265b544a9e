package io.pushpipe.naive;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The naive design's settings under {@code pushpipe.*}.
 *
 * @param expo where and how the pushes go
 */
@Validated
@ConfigurationProperties("pushpipe")
public record NaiveDesignProperties(
        @Valid @NotNull @DefaultValue Expo expo) {

    /**
     * @param baseUrl Expo's origin; requests go to {@code <base-url>/--/api/v2/push/send}
     * @param requestsInFlight the pushes sent at once; the rest wait in an unbounded queue. 6, as Expo's Node
     *     SDK sends
     */
    public record Expo(
            @NotNull @DefaultValue("https://exp.host") URI baseUrl,
            @Min(1) @Max(100) @DefaultValue("6") int requestsInFlight) {}
}
