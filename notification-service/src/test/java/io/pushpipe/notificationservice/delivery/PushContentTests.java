package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.expo.ExpoPushMessage;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

class PushContentTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]";

    @ParameterizedTest
    @CsvSource({
        "text, 💬 New Message, default",
        "zoom_link, 🎥 Interview Scheduled!, high",
        "form_link, 📝 Test Assigned!, high",
        "status_update, 📋 Status Update, default"
    })
    void titlesAndPriorityFollowTheMessageType(String type, String title, String priority) {
        ExpoPushMessage message = content(Map.of()).messageFor(event(MessageType.fromWireName(type), "Hi"), TOKEN);

        assertThat(message.title()).isEqualTo(title);
        assertThat(message.priority()).isEqualTo(priority);
        assertThat(message.sound()).isEqualTo("default");
        assertThat(message.data()).containsKeys("messageId", "messageType", "senderId", "eventId");
    }

    @Test
    void previewsTheContentOnOneLineCutWithAnEllipsis() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.preview-length", "20"))
                .messageFor(event(MessageType.TEXT, "Dear candidate,\n\nwe are happy to invite you"), TOKEN);

        assertThat(message.body()).isEqualTo("Dear candidate, we…");
    }

    @Test
    void neverSplitsAnEmojiWhenCutting() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.preview-length", "4"))
                .messageFor(event(MessageType.TEXT, "🎉🎉🎉🎉🎉🎉"), TOKEN);

        assertThat(message.body()).isEqualTo("🎉🎉🎉…");
    }

    @Test
    void showsTheGenericTextInsteadOfTheContentWhenPreviewsAreOff() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.show-preview", "false"))
                .messageFor(event(MessageType.TEXT, "Salary offer: 90k"), TOKEN);

        assertThat(message.body()).isEqualTo("Open the app to read it.").doesNotContain("90k");
    }

    @Test
    void trimsThePreviewSoThePayloadStaysWithinExposLimit() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.preview-length", "1000"))
                .messageFor(event(MessageType.TEXT, "\u0001💬".repeat(5_000)), TOKEN);

        assertThat(JSON.writeValueAsBytes(message).length).isLessThanOrEqualTo(PushContent.MAX_PAYLOAD_BYTES);
        assertThat(message.body()).isNotEmpty().endsWith("…");
    }

    @Test
    void usesTheConfiguredAndroidChannel() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.android-channel-id", "messages"))
                .messageFor(event(MessageType.TEXT, "Hi"), TOKEN);

        assertThat(message.channelId()).isEqualTo("messages");
    }

    @Test
    void everyPushOfAnEventCarriesOneCollapseIdentitySoARepeatReplacesTheNotification() {
        MessageSent event = event(MessageType.ZOOM_LINK, "Interview");
        PushContent content = content(Map.of());

        ExpoPushMessage phone = content.messageFor(event, TOKEN);
        ExpoPushMessage tablet = content.messageFor(event, "ExponentPushToken[tablet]");
        ExpoPushMessage other = content.messageFor(event(MessageType.ZOOM_LINK, "Interview"), TOKEN);

        assertThat(phone.collapseId()).isEqualTo("pushpipe-" + event.eventId());
        assertThat(phone.tag()).isEqualTo(phone.collapseId());
        assertThat(tablet.collapseId()).isEqualTo(phone.collapseId());
        assertThat(other.collapseId()).isNotEqualTo(phone.collapseId());
        assertThat(JSON.writeValueAsString(phone))
                .contains("\"collapseId\":\"pushpipe-" + event.eventId() + "\"")
                .contains("\"tag\":\"pushpipe-" + event.eventId() + "\"");
    }

    @Test
    void collapseIdentitiesCanBeSwitchedOff() {
        ExpoPushMessage message = content(Map.of("pushpipe.content.collapse-duplicates", "false"))
                .messageFor(event(MessageType.TEXT, "Hi"), TOKEN);

        assertThat(message.collapseId()).isNull();
        assertThat(JSON.writeValueAsString(message))
                .doesNotContain("collapseId")
                .doesNotContain("\"tag\"");
    }

    private static PushContent content(Map<String, String> settings) {
        ContentProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("pushpipe.content", ContentProperties.class);
        return new PushContent(properties, JSON);
    }

    private static MessageSent event(MessageType type, String content) {
        return MessageSent.of(
                UUID.randomUUID(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                UUID.randomUUID(),
                type,
                content,
                Instant.now());
    }
}
