package io.pushpipe.messageservice.message;

import io.pushpipe.common.MessageType;
import io.pushpipe.messageservice.outbox.Outbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The {@code messages} table. Storing a message also enqueues the event it announces itself with. */
@Component
class MessageStore {

    private static final String INSERT_MESSAGE = """
            insert into messages (id, sender_id, receiver_id, message_type, content)
            values (:id, :senderId, :receiverId, :messageType, :content)
            returning created_at
            """;

    private static final String FIND_BY_ID = """
            select id, sender_id, receiver_id, message_type, content, created_at
            from messages
            where id = :id
            """;

    private final JdbcClient jdbc;
    private final Outbox outbox;

    MessageStore(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Stores the message and its event in one transaction: both rows commit, or neither does. */
    @Transactional
    Message store(SendMessageRequest request) {
        UUID id = UUID.randomUUID();
        Instant createdAt = jdbc.sql(INSERT_MESSAGE)
                .param("id", id)
                .param("senderId", request.senderId())
                .param("receiverId", request.receiverId())
                .param("messageType", request.messageType().wireName())
                .param("content", request.content())
                .query(OffsetDateTime.class)
                .single()
                .toInstant();
        Message message = new Message(
                id, request.senderId(), request.receiverId(), request.messageType(), request.content(), createdAt);
        outbox.enqueue(message.announce());
        return message;
    }

    Optional<Message> findById(UUID id) {
        return jdbc.sql(FIND_BY_ID)
                .param("id", id)
                .query(MessageStore::toMessage)
                .optional();
    }

    private static Message toMessage(ResultSet rs, int row) throws SQLException {
        return new Message(
                rs.getObject("id", UUID.class),
                rs.getObject("sender_id", UUID.class),
                rs.getObject("receiver_id", UUID.class),
                MessageType.fromWireName(rs.getString("message_type")),
                rs.getString("content"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
