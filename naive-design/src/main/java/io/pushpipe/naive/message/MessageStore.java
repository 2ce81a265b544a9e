package io.pushpipe.naive.message;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code naive.messages} table: one insert per message, in its own transaction. */
@Component
class MessageStore {

    private static final String INSERT_MESSAGE = """
            insert into messages (id, sender_id, receiver_id, message_type, content)
            values (:id, :senderId, :receiverId, :messageType, :content)
            """;

    private final JdbcClient jdbc;

    MessageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    UUID store(SendMessageRequest request) {
        UUID id = UUID.randomUUID();
        jdbc.sql(INSERT_MESSAGE)
                .param("id", id)
                .param("senderId", request.senderId())
                .param("receiverId", request.receiverId())
                .param("messageType", request.messageType().wireName())
                .param("content", request.content())
                .update();
        return id;
    }
}
