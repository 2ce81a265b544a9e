package io.pushpipe.notificationservice.delivery;

import io.pushpipe.notificationservice.expo.ExpoError;
import io.pushpipe.notificationservice.retention.RetainedTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What has been delivered, and the one owner of its tables: {@code processed_events} (events handled to the
 * end) and {@code deliveries} (Expo's answer per event and device token, then its receipt). Reads take one
 * query per batch; writes one batch each.
 */
@Component
public class DeliveryLedger implements RetainedTable {

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

    private static final String CLAIM_TICKETS_DUE = """
            update deliveries d
            set receipt_claimed_until = :leaseEnd
            from (
                select event_id, expo_token
                from deliveries
                where status = 'accepted'
                  and receipt_status is null
                  and sent_at <= :dueBefore
                  and (receipt_claimed_until is null or receipt_claimed_until < :now)
                order by sent_at
                limit :limit
                for update skip locked
            ) due
            where d.event_id = due.event_id and d.expo_token = due.expo_token
            returning d.event_id, d.expo_token, d.ticket_id, d.sent_at, d.user_id, d.created_at
            """;

    private static final String RECORD_RECEIPT = """
            update deliveries
            set receipt_status = :status, receipt_error = :error, receipt_message = :message,
                receipt_checked_at = :now, receipt_claimed_until = null, updated_at = :now
            where event_id = :eventId and expo_token = :token
            """;

    private static final String OLDEST_UNCHECKED = """
            select min(sent_at) from deliveries where status = 'accepted' and receipt_status is null
            """;

    private static final String RECEIPT_ERRORS_SINCE = """
            select count(*) from deliveries
            where receipt_error in (:errors) and receipt_checked_at > :since
            """;

    /** Keyset-paged, read through {@code deliveries_not_registered_idx}. */
    private static final String NOT_REGISTERED_BETWEEN = """
            select event_id, expo_token, user_id, created_at, updated_at
            from deliveries
            where (error_code = 'DeviceNotRegistered' or receipt_error = 'DeviceNotRegistered')
              and updated_at >= :since and updated_at <= :until
              and (updated_at, event_id, expo_token) > (:afterTime, :afterEvent, :afterToken)
            order by updated_at, event_id, expo_token
            limit :limit
            """;

    /** The push is to be sent again: no ticket, no receipt, not finished. */
    private static final String REOPEN_DELIVERY = """
            update deliveries
            set status = 'retry', error_code = :errorCode, ticket_id = null, sent_at = null,
                receipt_status = null, receipt_error = null, receipt_message = null, receipt_checked_at = null,
                receipt_claimed_until = null, updated_at = now()
            where event_id = :eventId and expo_token = :token
            """;

    /** A push Expo accepted turned out to need a person (a receipt said so): a replay tries it again. */
    private static final String FAIL_AFTER_RECEIPT = """
            update deliveries
            set status = 'failed', error_code = :errorCode, error_message = :message, updated_at = now()
            where event_id = :eventId and expo_token = :token
            """;

    private static final String REOPEN_EVENT = """
            delete from processed_events where event_id = :eventId
            """;

    private static final String DELIVERIES_OF_MESSAGE = """
            select expo_token, status, error_code, error_message, receipt_status, receipt_error, receipt_message,
                   sent_at, receipt_checked_at, created_at, updated_at, attempts
            from deliveries
            where message_id = :messageId
            order by created_at, expo_token
            """;

    private static final String PURGE_DELIVERIES = """
            delete from deliveries where ctid in (
                select ctid from deliveries where created_at < :cutoff limit :limit)
            """;

    private static final String PURGE_PROCESSED_EVENTS = """
            delete from processed_events where ctid in (
                select ctid from processed_events where processed_at < :cutoff limit :limit)
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

    /**
     * Claims up to {@code limit} accepted tickets sent before {@code dueBefore} whose receipt nobody has, for
     * {@code leaseEnd}; {@code FOR UPDATE SKIP LOCKED} and the lease keep two instances from claiming one.
     */
    public List<Ticket> claimTicketsDue(Instant now, Instant dueBefore, Instant leaseEnd, int limit) {
        return jdbc.sql(CLAIM_TICKETS_DUE)
                .param("leaseEnd", Timestamp.from(leaseEnd))
                .param("dueBefore", Timestamp.from(dueBefore))
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, row) -> new Ticket(
                        new LedgerPush(
                                rs.getObject("event_id", UUID.class),
                                rs.getString("expo_token"),
                                rs.getObject("user_id", UUID.class),
                                instant(rs, "created_at")),
                        rs.getString("ticket_id"),
                        rs.getObject("sent_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    /** Records what became of claimed tickets, in one batch. */
    void recordReceipts(List<ReceiptRecord> receipts, Instant now) {
        if (receipts.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                RECORD_RECEIPT,
                receipts.stream()
                        .map(r -> new MapSqlParameterSource()
                                .addValue("status", r.status())
                                .addValue("error", r.errorCode())
                                .addValue("message", r.message())
                                .addValue("now", Timestamp.from(now))
                                .addValue("eventId", r.ticket().eventId())
                                .addValue("token", r.ticket().token()))
                        .toArray(SqlParameterSource[]::new));
    }

    /** When the oldest accepted push without a checked receipt was sent. */
    public Optional<Instant> oldestUncheckedTicket() {
        return jdbc.sql(OLDEST_UNCHECKED).query(OffsetDateTime.class).optional().map(OffsetDateTime::toInstant);
    }

    /** How many receipts with one of these errors were checked after {@code since}. */
    public long receiptErrorsSince(Collection<String> errorCodes, Instant since) {
        return jdbc.sql(RECEIPT_ERRORS_SINCE)
                .param("errors", errorCodes)
                .param("since", Timestamp.from(since))
                .query(Long.class)
                .single();
    }

    /**
     * Pushes Expo answered {@code DeviceNotRegistered} (when sent, or in their receipt), last written between
     * {@code since} and {@code until}, in pages: the {@code limit} following {@code after} (null for the first).
     */
    public List<NotRegisteredPush> notRegisteredBetween(
            Instant since, Instant until, NotRegisteredPush after, int limit) {
        return jdbc.sql(NOT_REGISTERED_BETWEEN)
                .param("since", Timestamp.from(since))
                .param("until", Timestamp.from(until))
                .param("afterTime", Timestamp.from(after == null ? Instant.EPOCH : after.lastWrittenAt()))
                .param("afterEvent", after == null ? new UUID(Long.MIN_VALUE, Long.MIN_VALUE) : after.eventId())
                .param("afterToken", after == null ? "" : after.expoToken())
                .param("limit", limit)
                .query((rs, row) -> new NotRegisteredPush(
                        rs.getObject("event_id", UUID.class),
                        rs.getString("expo_token"),
                        rs.getObject("user_id", UUID.class),
                        instant(rs, "created_at"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    /**
     * Makes these pushes unfinished again, and their events unhandled, so that when the events come by again
     * exactly these devices get them (devices that accepted them are still skipped).
     */
    public void reopen(Collection<LedgerPush> pushes, ExpoError why) {
        if (pushes.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                REOPEN_DELIVERY,
                pushes.stream()
                        .map(p -> new MapSqlParameterSource()
                                .addValue("eventId", p.eventId())
                                .addValue("token", p.expoToken())
                                .addValue("errorCode", why.code()))
                        .toArray(SqlParameterSource[]::new));
        batches.batchUpdate(
                REOPEN_EVENT,
                pushes.stream()
                        .map(LedgerPush::eventId)
                        .distinct()
                        .map(id -> new MapSqlParameterSource().addValue("eventId", id))
                        .toArray(SqlParameterSource[]::new));
    }

    /**
     * Turns these accepted pushes into failures that need a person, as a receipt reported them: the events'
     * replay from the DLT then tries exactly these devices again.
     */
    void failAfterReceipt(Collection<ReceiptRecord> receipts) {
        if (receipts.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                FAIL_AFTER_RECEIPT,
                receipts.stream()
                        .map(r -> new MapSqlParameterSource()
                                .addValue("eventId", r.ticket().eventId())
                                .addValue("token", r.ticket().token())
                                .addValue("errorCode", r.errorCode())
                                .addValue("message", r.message()))
                        .toArray(SqlParameterSource[]::new));
    }

    /** Every device's delivery of one message, oldest first. */
    List<DeviceDelivery> deliveriesOfMessage(UUID messageId) {
        return jdbc.sql(DELIVERIES_OF_MESSAGE)
                .param("messageId", messageId)
                .query((rs, row) -> new DeviceDelivery(
                        rs.getString("expo_token"),
                        Status.of(rs.getString("status")),
                        rs.getString("error_code"),
                        rs.getString("receipt_status"),
                        rs.getString("receipt_error"),
                        rs.getInt("attempts"),
                        instant(rs, "created_at"),
                        instant(rs, "sent_at"),
                        instant(rs, "receipt_checked_at"),
                        instant(rs, "updated_at")))
                .list();
    }

    @Override
    public int purgeOlderThan(Instant cutoff, int limit) {
        return purge(PURGE_DELIVERIES, cutoff, limit) + purge(PURGE_PROCESSED_EVENTS, cutoff, limit);
    }

    private int purge(String statement, Instant cutoff, int limit) {
        return jdbc.sql(statement)
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * A push Expo answered {@code DeviceNotRegistered}.
     *
     * @param userId the event's receiver, which is the event's record key
     * @param firstTriedAt when the push was first sent
     * @param lastWrittenAt when its row was last written
     */
    public record NotRegisteredPush(
            UUID eventId, String expoToken, UUID userId, Instant firstTriedAt, Instant lastWrittenAt) {

        public LedgerPush push() {
            return new LedgerPush(eventId, expoToken, userId, firstTriedAt);
        }
    }

    /** An accepted push waiting for its receipt. */
    public record Ticket(LedgerPush push, String ticketId, Instant sentAt) {

        public UUID eventId() {
            return push.eventId();
        }

        public String token() {
            return push.expoToken();
        }
    }

    /** One event's push to one device, with its receiver and when it was first tried (to find it in Kafka). */
    public record LedgerPush(UUID eventId, String expoToken, UUID userId, Instant firstTriedAt) {}

    /**
     * What became of a ticket.
     *
     * @param status {@code ok}, {@code error}, or {@code unknown} when Expo never answered in time
     */
    public record ReceiptRecord(Ticket ticket, String status, String errorCode, String message) {}

    /** One device's delivery of a message, as the ledger holds it. */
    record DeviceDelivery(
            String expoToken,
            Status status,
            String errorCode,
            String receiptStatus,
            String receiptError,
            int attempts,
            Instant firstTriedAt,
            Instant sentAt,
            Instant receiptCheckedAt,
            Instant updatedAt) {}

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
