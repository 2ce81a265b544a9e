package io.pushpipe.notificationservice.delivery;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the notifications say.
 *
 * @param previewLength longest message preview in a notification's body, in characters
 * @param showPreview false replaces the preview with {@code genericBody}, for privacy
 * @param genericBody the body when previews are off
 * @param androidChannelId the Android notification channel; it must exist in the app
 * @param collapseDuplicates every push of one event carries one collapse identity ({@code collapseId},
 *     {@code tag}), so a push repeated after a crash replaces the notification on the phone
 */
@Validated
@ConfigurationProperties("pushpipe.content")
record ContentProperties(
        @Min(1) @Max(1000) @DefaultValue("120") int previewLength,
        @DefaultValue("true") boolean showPreview,

        @NotBlank @DefaultValue("Open the app to read it.") String genericBody,

        @NotBlank @DefaultValue("default") String androidChannelId,
        @DefaultValue("true") boolean collapseDuplicates) {}
