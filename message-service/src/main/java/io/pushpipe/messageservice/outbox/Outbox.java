package io.pushpipe.messageservice.outbox;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where events wait for the {@link OutboxRelay}. Enqueueing joins the caller's transaction, so an event
 * exists exactly when the change it announces has committed: never a dual write to the database and
 * Kafka.
 */
@Component
public class Outbox {

    private static final String INSERT_EVENT = """
            insert into outbox (event_id, topic, event_key, event_type, payload)
            values (:eventId, :topic, :key, :eventType, :payload)
            """;

    private final NamedParameterJdbcTemplate batches;

    Outbox(NamedParameterJdbcTemplate batches) {
        this.batches = batches;
    }

    /**
     * Queues the events for {@link Topics#MESSAGE_SENT} in their order, keyed by receiver so a user's events
     * stay in order; one multi-row insert.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(List<MessageSent> events) {
        batches.batchUpdate(
                INSERT_EVENT,
                events.stream()
                        .map(event -> new MapSqlParameterSource()
                                .addValue("eventId", event.eventId())
                                .addValue("topic", Topics.MESSAGE_SENT)
                                .addValue("key", event.receiverId().toString())
                                .addValue("eventType", MessageSent.EVENT_TYPE)
                                .addValue(
                                        "payload", new String(MessageSentCodec.encode(event), StandardCharsets.UTF_8)))
                        .toArray(SqlParameterSource[]::new));
    }
}
