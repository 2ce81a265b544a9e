package io.pushpipe.notificationservice.delivery;

import io.pushpipe.notificationservice.expo.ExpoError;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What has been delivered: {@code processed_events} (events handled to the end) and {@code deliveries}
 * (Expo's answer per event and device token). Reads take one query per batch; writes one batch each.
 */
@Component
class DeliveryLedger {

    /** Dead-lettered events do not count: a replay of one must be delivered. */
    private static final String PROCESSED = """
            select event_id
            from processed_events
            where event_id in (:eventIds) and outcome <> 'dead_lettered'
            """;

    private static final String DELIVERIES_OF_EVENTS = """
            select event_id, expo_token, status, attempts, error_code
            from deliveries
            where event_id in (:eventIds)
            """;

    private static final String RECORD_DELIVERY = """
            insert into deliveries (event_id, expo_token, message_id, user_id, status, ticket_id, error_code,
                                    error_message, sent_at)
            values (:eventId, :token, :messageId, :userId, :status, :ticketId, :errorCode, :errorMessage,
                    case when :status = 'accepted' then now() end)
            on conflict (event_id, expo_token) do update
            set status = excluded.status,
                sent_at = excluded.sent_at,
                ticket_id = excluded.ticket_id,
                error_code = excluded.error_code,
                error_message = excluded.error_message,
                attempts = deliveries.attempts + 1,
                updated_at = now()
            """;

    private static final String MARK_PROCESSED = """
            insert into processed_events (event_id, message_id, outcome)
            values (:eventId, :messageId, :outcome)
            on conflict (event_id) do update
            set outcome = excluded.outcome, processed_at = now()
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;

    DeliveryLedger(JdbcClient jdbc, NamedParameterJdbcTemplate batches) {
        this.jdbc = jdbc;
        this.batches = batches;
    }

    Set<UUID> processed(Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql(PROCESSED)
                .param("eventIds", eventIds)
                .query(UUID.class)
                .list());
    }

    /** Earlier outcomes of these events, by event id and then token. */
    Map<UUID, Map<String, Delivery>> deliveriesOf(Collection<UUID> eventIds) {
        Map<UUID, Map<String, Delivery>> deliveries = new HashMap<>();
        if (eventIds.isEmpty()) {
            return deliveries;
        }
        jdbc.sql(DELIVERIES_OF_EVENTS).param("eventIds", eventIds).query(rs -> {
            deliveries
                    .computeIfAbsent(rs.getObject("event_id", UUID.class), id -> new HashMap<>())
                    .put(
                            rs.getString("expo_token"),
                            new Delivery(
                                    Status.of(rs.getString("status")),
                                    rs.getInt("attempts"),
                                    rs.getString("error_code")));
        });
        return deliveries;
    }

    void record(List<DeliveryRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                RECORD_DELIVERY,
                records.stream()
                        .map(r -> new MapSqlParameterSource()
                                .addValue("eventId", r.eventId())
                                .addValue("token", r.expoToken())
                                .addValue("messageId", r.messageId())
                                .addValue("userId", r.userId())
                                .addValue("status", r.status().column())
                                .addValue("ticketId", r.ticketId())
                                .addValue("errorCode", r.errorCode())
                                .addValue("errorMessage", r.errorMessage()))
                        .toArray(SqlParameterSource[]::new));
    }

    void markProcessed(List<ProcessedEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                MARK_PROCESSED,
                events.stream()
                        .map(e -> new MapSqlParameterSource()
                                .addValue("eventId", e.eventId())
                                .addValue("messageId", e.messageId())
                                .addValue("outcome", e.outcome().column()))
                        .toArray(SqlParameterSource[]::new));
    }

    /** A delivery's state for one device. */
    enum Status {
        ACCEPTED,
        FAILED,
        RETRY;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String column) {
            return valueOf(column.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** How an event ended. */
    enum Outcome {
        DELIVERED,
        NO_TOKENS,
        DEAD_LETTERED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * An earlier outcome for one device: accepted ones and final failures are never sent again. A failure
     * that needs a person (credentials, a rejected request, a payload too big) dead-lettered its event and
     * is tried again when the event is replayed after the fix.
     */
    record Delivery(Status status, int attempts, String errorCode) {

        boolean finished() {
            return status == Status.ACCEPTED
                    || (status == Status.FAILED && !ExpoError.of(errorCode).needsHuman());
        }
    }

    record DeliveryRecord(
            UUID eventId,
            String expoToken,
            UUID messageId,
            UUID userId,
            Status status,
            String ticketId,
            String errorCode,
            String errorMessage) {}

    record ProcessedEvent(UUID eventId, UUID messageId, Outcome outcome) {}
}
