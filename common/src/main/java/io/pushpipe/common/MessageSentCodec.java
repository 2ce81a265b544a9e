package io.pushpipe.common;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@link MessageSent} as UTF-8 JSON, the payload format of {@link Topics#MESSAGE_SENT}.
 * Unknown fields are ignored so that an older reader accepts events from a newer writer. Thread-safe.
 */
public final class MessageSentCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private MessageSentCodec() {}

    public static byte[] encode(MessageSent event) {
        return MAPPER.writeValueAsBytes(event);
    }

    /**
     * @throws MalformedEventException when the bytes are not JSON or lack a required field, with a
     *     message saying what is wrong
     */
    public static MessageSent decode(byte[] json) {
        if (json == null || json.length == 0) {
            throw new MalformedEventException("empty payload: a MessageSent event is a JSON object");
        }
        try {
            return MAPPER.readValue(json, MessageSent.class);
        } catch (JacksonException e) {
            throw new MalformedEventException("not a valid MessageSent event: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? ((JacksonException) e).getOriginalMessage() : root.getMessage();
    }

    /** The payload could not be read as a {@link MessageSent}; it will never be readable, so never retry it. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
