package io.pushpipe.messageservice.message;

import io.pushpipe.common.MessageType;
import io.pushpipe.messageservice.outbox.Outbox;
import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code messages} table. Storing a message also enqueues the event it announces itself with. */
@Component
class MessageStore {

    private static final String INSERT_MESSAGE = """
            insert into messages (id, sender_id, receiver_id, message_type, content, created_at)
            values (:id, :senderId, :receiverId, :messageType, :content, :createdAt)
            """;

    /** Enough to keep PostgreSQL busy while the next writes gather; each holds a pooled connection. */
    private static final int WRITES_IN_FLIGHT = 2;

    private static final int MAX_MESSAGES_PER_WRITE = 500;

    private static final String FIND_BY_ID = """
            select id, sender_id, receiver_id, message_type, content, created_at
            from messages
            where id = :id
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final GroupCommit<Message> writes;
    private final Clock clock = Clock.systemUTC();

    MessageStore(JdbcClient jdbc, NamedParameterJdbcTemplate batches, Outbox outbox, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.outbox = outbox;
        this.transactions = transactions;
        this.writes = new GroupCommit<>("message-writer", WRITES_IN_FLIGHT, MAX_MESSAGES_PER_WRITE, this::insert);
    }

    /**
     * Stores the message and its event, and returns once both are committed: both rows commit, or neither
     * does. Messages posted at the same time share one transaction ({@link GroupCommit}).
     */
    Message store(SendMessageRequest request) {
        Message message = new Message(
                UUID.randomUUID(),
                request.senderId(),
                request.receiverId(),
                request.messageType(),
                request.content(),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        writes.commit(message);
        return message;
    }

    @PreDestroy
    void close() throws InterruptedException {
        writes.close();
    }

    private void insert(List<Message> messages) {
        transactions.executeWithoutResult(status -> {
            batches.batchUpdate(
                    INSERT_MESSAGE,
                    messages.stream()
                            .map(message -> new MapSqlParameterSource()
                                    .addValue("id", message.id())
                                    .addValue("senderId", message.senderId())
                                    .addValue("receiverId", message.receiverId())
                                    .addValue(
                                            "messageType", message.messageType().wireName())
                                    .addValue("content", message.content())
                                    .addValue("createdAt", Timestamp.from(message.createdAt())))
                            .toArray(SqlParameterSource[]::new));
            outbox.enqueue(messages.stream().map(Message::announce).toList());
        });
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
