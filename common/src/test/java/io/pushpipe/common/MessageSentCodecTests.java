package io.pushpipe.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushpipe.common.MessageSentCodec.MalformedEventException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageSentCodecTests {

    private static final UUID EVENT_ID = UUID.fromString("0b6f2a4e-8d3c-4f7a-9a51-3c2d6e0f1a10");
    private static final UUID MESSAGE_ID = UUID.fromString("5d1c9f7e-2b4a-4c8e-8f3d-7a6b5c4d3e21");
    private static final UUID SENDER_ID = UUID.fromString("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32");
    private static final UUID RECEIVER_ID = UUID.fromString("1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a43");

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void roundTripsEveryMessageType(MessageType type) {
        MessageSent event = MessageSent.of(
                EVENT_ID,
                MESSAGE_ID,
                SENDER_ID,
                RECEIVER_ID,
                type,
                "💬 مرحبا <b>hi</b>\nline two",
                Instant.parse("2026-11-20T09:30:00.123456Z"));

        assertThat(MessageSentCodec.decode(MessageSentCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void writesSnakeCaseWireNamesAndIsoTimestamps() {
        MessageSent event = MessageSent.of(
                EVENT_ID,
                MESSAGE_ID,
                SENDER_ID,
                RECEIVER_ID,
                MessageType.STATUS_UPDATE,
                "Moved to final round",
                Instant.parse("2026-11-20T09:30:00Z"));

        String json = new String(MessageSentCodec.encode(event), StandardCharsets.UTF_8);

        assertThat(json)
                .contains("\"event_id\":\"" + EVENT_ID + "\"")
                .contains("\"receiver_id\":\"" + RECEIVER_ID + "\"")
                .contains("\"message_type\":\"status_update\"")
                .contains("\"occurred_at\":\"2026-11-20T09:30:00Z\"")
                .contains("\"schema_version\":1");
    }

    @Test
    void readsAnEventWrittenBySchemaVersion1WithoutAVersionField() throws IOException {
        MessageSent event = MessageSentCodec.decode(fixture("message-sent-v1.json"));

        assertThat(event.eventId()).isEqualTo(EVENT_ID);
        assertThat(event.receiverId()).isEqualTo(RECEIVER_ID);
        assertThat(event.messageType()).isEqualTo(MessageType.ZOOM_LINK);
        assertThat(event.content()).isEqualTo("Your interview is on Monday at 10:00 — https://zoom.us/j/123");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-20T09:30:00.123456Z"));
        assertThat(event.schemaVersion()).isEqualTo(1);
    }

    @Test
    void ignoresFieldsAddedByANewerWriter() throws IOException {
        MessageSent event = MessageSentCodec.decode(fixture("message-sent-from-newer-writer.json"));

        assertThat(event.eventId()).isEqualTo(EVENT_ID);
        assertThat(event.messageType()).isEqualTo(MessageType.TEXT);
        assertThat(event.schemaVersion()).isEqualTo(7);
    }

    @Test
    void namesTheMissingFieldOfAnIncompleteEvent() {
        byte[] json = """
                {"event_id":"0b6f2a4e-8d3c-4f7a-9a51-3c2d6e0f1a10","message_type":"text"}
                """.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> MessageSentCodec.decode(json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("message_id is required");
    }

    @Test
    void rejectsAnUnknownMessageTypeNamingTheAcceptedOnes() {
        byte[] json = new String(fixtureUnchecked("message-sent-v1.json"), StandardCharsets.UTF_8)
                .replace("zoom_link", "carrier_pigeon")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> MessageSentCodec.decode(json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("carrier_pigeon");
    }

    @Test
    void rejectsBytesThatAreNotJson() {
        assertThatThrownBy(() -> MessageSentCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("not a valid MessageSent event");
        assertThatThrownBy(() -> MessageSentCodec.decode(new byte[0]))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("empty payload");
    }

    @Test
    void wireNamesAreThePortalsNames() {
        assertThat(MessageType.wireNames()).containsExactly("text", "zoom_link", "form_link", "status_update");
        assertThat(MessageType.fromWireName("form_link")).isEqualTo(MessageType.FORM_LINK);
        assertThatThrownBy(() -> MessageType.fromWireName("fax"))
                .hasMessage("unknown message type 'fax': must be one of [text, zoom_link, form_link, status_update]");
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = MessageSentCodecTests.class.getResourceAsStream("/events/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] fixtureUnchecked(String name) {
        try {
            return fixture(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
