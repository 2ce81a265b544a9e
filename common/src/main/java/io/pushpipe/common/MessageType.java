package io.pushpipe.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * What a message is about. The wire name is what the portal sends, what is stored and what travels in
 * {@link MessageSent}; it never changes once published.
 */
public enum MessageType {
    @JsonProperty("text")
    TEXT("text"),
    @JsonProperty("zoom_link")
    ZOOM_LINK("zoom_link"),
    @JsonProperty("form_link")
    FORM_LINK("form_link"),
    @JsonProperty("status_update")
    STATUS_UPDATE("status_update");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The wire names of every type, in declaration order, for error messages and documentation. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(MessageType::wireName).toList();
    }

    /**
     * The type with this wire name.
     *
     * @throws IllegalArgumentException naming the accepted values when there is none
     */
    public static MessageType fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown message type '" + wireName + "': must be one of " + wireNames()));
    }
}
