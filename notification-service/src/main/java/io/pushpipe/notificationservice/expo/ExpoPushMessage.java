package io.pushpipe.notificationservice.expo;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One push message in Expo's wire format, addressed to one device token. Fields left null are omitted.
 *
 * @param to the Expo push token
 * @param title the title line
 * @param body the text under the title
 * @param data the app's data payload, for deep links
 * @param sound {@code default} to play the default sound
 * @param priority {@code default}, {@code normal} or {@code high}
 * @param channelId the Android channel; a channel missing on the device means nothing is shown
 * @param collapseId iOS: a push with the same id replaces the notification shown, instead of adding one
 * @param tag Android: a push with the same tag replaces the notification shown, instead of adding one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExpoPushMessage(
        String to,
        String title,
        String body,
        Map<String, Object> data,
        String sound,
        String priority,
        String channelId,
        String collapseId,
        String tag) {}
