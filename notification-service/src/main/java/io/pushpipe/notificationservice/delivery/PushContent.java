package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.expo.ExpoPushMessage;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a notification says for each message type: the product's titles, a preview of the message (or a
 * generic text when previews are off), and the data the app needs to open the message. Keeps every
 * payload within Expo's 4096-byte limit by shortening the preview, never by failing.
 */
@Component
class PushContent {

    static final int MAX_PAYLOAD_BYTES = 4096;

    private static final Map<MessageType, String> TITLES = Map.of(
            MessageType.TEXT, "💬 New Message",
            MessageType.ZOOM_LINK, "🎥 Interview Scheduled!",
            MessageType.FORM_LINK, "📝 Test Assigned!",
            MessageType.STATUS_UPDATE, "📋 Status Update");

    /** More than the field names, quotes, colons, commas and braces of a message take in JSON. */
    private static final int STRUCTURE_BYTES = 256;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private static final String ELLIPSIS = "…";

    private static final String COLLAPSE_PREFIX = "pushpipe-";

    private final ContentProperties settings;
    private final JsonMapper json;

    PushContent(ContentProperties settings, JsonMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /** The test push of {@code POST /test-push-notification}: the same defaults as every other push. */
    ExpoPushMessage testMessage(String expoToken) {
        return new ExpoPushMessage(
                expoToken,
                "🔔 Test notification",
                "Push notifications are working.",
                Map.of("type", "test"),
                "default",
                "high",
                settings.androidChannelId(),
                null,
                null);
    }

    ExpoPushMessage messageFor(MessageSent event, String expoToken) {
        String body =
                settings.showPreview() ? preview(event.content(), settings.previewLength()) : settings.genericBody();
        ExpoPushMessage message = build(event, expoToken, body);
        if (!mayExceedLimit(message)) {
            return message;
        }
        int excess = json.writeValueAsBytes(message).length - MAX_PAYLOAD_BYTES;
        while (excess > 0 && !body.isEmpty()) {
            // A character takes at most 6 bytes in JSON (an escaped surrogate half), at least 1.
            int keep = Math.max(0, body.codePointCount(0, body.length()) - Math.max(1, excess / 6) - 1);
            body = keep == 0 ? "" : cut(body, keep) + ELLIPSIS;
            message = build(event, expoToken, body);
            excess = json.writeValueAsBytes(message).length - MAX_PAYLOAD_BYTES;
        }
        return message;
    }

    /**
     * Whether the message's JSON could be longer than Expo allows: a character takes at most 6 bytes in JSON,
     * and the field names, quotes and braces at most {@link #STRUCTURE_BYTES}. Most messages are far shorter,
     * and are not written out twice (here and in the request) to learn it.
     */
    private static boolean mayExceedLimit(ExpoPushMessage message) {
        long characters = Stream.of(
                        message.to(),
                        message.title(),
                        message.body(),
                        message.sound(),
                        message.priority(),
                        message.channelId(),
                        message.collapseId(),
                        message.tag())
                .filter(Objects::nonNull)
                .mapToLong(String::length)
                .sum();
        for (Map.Entry<String, Object> entry : message.data().entrySet()) {
            characters +=
                    entry.getKey().length() + String.valueOf(entry.getValue()).length();
        }
        return STRUCTURE_BYTES + 6 * characters > MAX_PAYLOAD_BYTES;
    }

    static String titleOf(MessageType type) {
        return TITLES.get(type);
    }

    /**
     * With {@code pushpipe.content.collapse-duplicates} (the default), every push of an event carries the
     * same collapse identity ({@code collapseId} on iOS, {@code tag} on Android): when a crash makes pushpipe
     * push an event to a device a second time, the phone replaces the notification instead of showing two.
     */
    private ExpoPushMessage build(MessageSent event, String expoToken, String body) {
        String collapse = settings.collapseDuplicates() ? COLLAPSE_PREFIX + event.eventId() : null;
        return new ExpoPushMessage(
                expoToken,
                titleOf(event.messageType()),
                body,
                Map.of(
                        "messageId", event.messageId().toString(),
                        "messageType", event.messageType().wireName(),
                        "senderId", event.senderId().toString(),
                        "eventId", event.eventId().toString()),
                "default",
                isTimeSensitive(event.messageType()) ? "high" : "default",
                settings.androidChannelId(),
                collapse,
                collapse);
    }

    /** Interviews and tests must not wait for an Android device to leave doze. */
    private static boolean isTimeSensitive(MessageType type) {
        return type == MessageType.ZOOM_LINK || type == MessageType.FORM_LINK;
    }

    /** The content on one line, cut to {@code length} characters with an ellipsis when longer. */
    static String preview(String content, int length) {
        String oneLine = WHITESPACE.matcher(content.strip()).replaceAll(" ");
        if (oneLine.codePointCount(0, oneLine.length()) <= length) {
            return oneLine;
        }
        return cut(oneLine, length - 1).stripTrailing() + ELLIPSIS;
    }

    /** The first {@code codePoints} characters, never splitting a surrogate pair. */
    private static String cut(String text, int codePoints) {
        return text.substring(
                0, text.offsetByCodePoints(0, Math.min(codePoints, text.codePointCount(0, text.length()))));
    }
}
