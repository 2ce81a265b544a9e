package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Deferral;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code deferred_events}: events that wait for their receiver (a throttled device, or an earlier event of
 * the receiver still waiting) outside Kafka, so that the partition moves on for everyone else. Each
 * receiver's events come back oldest first, one at a time, so their order holds.
 */
@Component
class DeferredEvents {

    private static final String WAITING_OF = """
            select receiver_id, event_id from deferred_events where receiver_id in (:receivers) order by id
            """;

    private static final String DEFER = """
            insert into deferred_events (event_id, receiver_id, topic, record_partition, record_offset,
                                         record_timestamp, record_key, record_value, record_headers, attempts,
                                         not_before)
            values (:eventId, :receiverId, :topic, :partition, :offset, :timestamp, :key, :value,
                    cast(:headers as jsonb), :attempts, :notBefore)
            on conflict (event_id) do update
            set attempts = excluded.attempts, not_before = excluded.not_before, claimed_until = null
            """;

    /** The oldest event of each receiver, when it is due, leased to one instance. */
    private static final String CLAIM_DUE = """
            update deferred_events d
            set claimed_until = :leaseEnd
            from (
                select id from deferred_events w
                where not_before <= :now
                  and (claimed_until is null or claimed_until < :now)
                  and not exists (
                      select 1 from deferred_events e where e.receiver_id = w.receiver_id and e.id < w.id)
                order by id
                limit :limit
                for update skip locked
            ) due
            where d.id = due.id
            returning d.id, attempts,\s""" + StoredRecords.COLUMNS;

    private static final String DONE = "delete from deferred_events where event_id in (:eventIds)";

    private static final String WAITING = "select count(*) from deferred_events";

    private static final Duration MAX_BACK_OFF = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final StoredRecords stored;

    DeferredEvents(JdbcClient jdbc, NamedParameterJdbcTemplate batches, StoredRecords stored, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.stored = stored;
        Gauge.builder("pushpipe.events.deferred", this, DeferredEvents::waiting)
                .description("Events waiting for their receiver (a throttled device, an earlier event)")
                .register(meters);
    }

    /** The events waiting for each of these receivers, oldest first; receivers without any are absent. */
    Map<UUID, List<UUID>> waitingOf(Collection<UUID> receivers) {
        Map<UUID, List<UUID>> waiting = new LinkedHashMap<>();
        if (!receivers.isEmpty()) {
            jdbc.sql(WAITING_OF).param("receivers", receivers).query(rs -> {
                waiting.computeIfAbsent(rs.getObject("receiver_id", UUID.class), id -> new ArrayList<>())
                        .add(rs.getObject("event_id", UUID.class));
            });
        }
        return waiting;
    }

    /**
     * Puts events aside (or back), due again after {@code retryDelay}, doubled for each earlier deferral up
     * to 10 s (a throttle lasts a minute; a retry is a few indexed queries); to be called in the batch's transaction.
     */
    void defer(List<Deferral> deferrals, Instant now, Duration retryDelay) {
        if (deferrals.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                DEFER,
                deferrals.stream()
                        .map(d -> stored.parameters(d.in().record())
                                .addValue("eventId", d.in().event().eventId())
                                .addValue("receiverId", d.in().event().receiverId())
                                .addValue("attempts", d.attempts())
                                .addValue("notBefore", Timestamp.from(now.plus(backOff(retryDelay, d.attempts())))))
                        .toArray(SqlParameterSource[]::new));
    }

    private static Duration backOff(Duration retryDelay, int attempts) {
        Duration delay = retryDelay.multipliedBy(1L << Math.min(attempts - 1, 16));
        return delay.compareTo(MAX_BACK_OFF) > 0 ? MAX_BACK_OFF : delay;
    }

    /** Claims the due events, at most one per receiver (its oldest), for {@code lease}. */
    List<Due> claimDue(Instant now, Duration lease, int limit) {
        return jdbc.sql(CLAIM_DUE)
                .param("leaseEnd", Timestamp.from(now.plus(lease)))
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, row) -> new Due(stored.read(rs), rs.getInt("attempts")))
                .list();
    }

    /** Removes events that were delivered, dead-lettered or found to be already handled. */
    void done(Collection<UUID> eventIds) {
        if (!eventIds.isEmpty()) {
            jdbc.sql(DONE).param("eventIds", eventIds).update();
        }
    }

    long waiting() {
        return jdbc.sql(WAITING).query(Long.class).single();
    }

    /** A deferred event handed back, with how often it was deferred. */
    record Due(ConsumerRecord<String, byte[]> record, int attempts) {}
}
