package io.pushpipe.messageservice.outbox;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.Topics;
import java.nio.charset.StandardCharsets;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    private final JdbcClient jdbc;

    Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues the event for {@link Topics#MESSAGE_SENT}, keyed by receiver so a user's events stay in order. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(MessageSent event) {
        jdbc.sql(INSERT_EVENT)
                .param("eventId", event.eventId())
                .param("topic", Topics.MESSAGE_SENT)
                .param("key", event.receiverId().toString())
                .param("eventType", MessageSent.EVENT_TYPE)
                .param("payload", new String(MessageSentCodec.encode(event), StandardCharsets.UTF_8))
                .update();
    }
}
