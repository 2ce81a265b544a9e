package io.pushpipe.exposandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A notification the sandbox accepted, as a phone would show it.
 *
 * @param to the Expo push token it was sent to
 * @param title the title line
 * @param body the text under the title
 * @param data the app's data payload
 * @param priority {@code default}, {@code normal} or {@code high}; null when not given
 * @param sound {@code default} or null
 * @param channelId the Android channel; null when not given
 * @param collapseId iOS: a later notification with the same id replaces this one on the phone; null when not given
 * @param tag Android: a later notification with the same tag replaces this one on the phone; null when not given
 * @param ticketId the id of the ok ticket the sandbox answered with
 * @param receivedAt when the sandbox received it
 */
public record ReceivedNotification(
        String to,
        String title,
        String body,
        Map<String, Object> data,
        String priority,
        String sound,
        String channelId,
        String collapseId,
        String tag,
        String ticketId,
        Instant receivedAt) {}
