package io.pushpipe.notificationservice.dlt;

import io.pushpipe.notificationservice.retention.RetainedTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code dlt_replays} table: which dead letters were replayed, when, by whom and where to. */
@Component
class ReplayLedger implements RetainedTable {

    private static final String PURGE = """
            delete from dlt_replays where ctid in (
                select ctid from dlt_replays where replayed_at < :cutoff limit :limit)
            """;

    private static final String REPLAYED = """
            select distinct dlt_partition, dlt_offset
            from dlt_replays
            where (dlt_partition, dlt_offset) in (:records)
            """;

    private static final String RECORD = """
            insert into dlt_replays (dlt_partition, dlt_offset, event_id, target_topic, target_partition,
                                     target_offset, forced, replayed_by)
            values (:partition, :offset, :eventId, :topic, :targetPartition, :targetOffset, :forced, :by)
            """;

    /** Records one {@link #replayed} query asks about: two bind parameters each. */
    static final int RECORDS_PER_QUERY = 1000;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;

    ReplayLedger(JdbcClient jdbc, NamedParameterJdbcTemplate batches) {
        this.jdbc = jdbc;
        this.batches = batches;
    }

    /**
     * Which of these dead letters were replayed before, as {@code partition:offset} keys: one query per
     * {@link #RECORDS_PER_QUERY} records, so that no statement outgrows PostgreSQL's 65,535 bind parameters.
     */
    Set<String> replayed(Collection<DeadLetter> records) {
        Set<String> replayed = new HashSet<>();
        List<Object[]> keys = records.stream()
                .map(r -> new Object[] {r.partition(), r.offset()})
                .toList();
        for (int from = 0; from < keys.size(); from += RECORDS_PER_QUERY) {
            replayed.addAll(jdbc.sql(REPLAYED)
                    .param("records", keys.subList(from, Math.min(keys.size(), from + RECORDS_PER_QUERY)))
                    .query((rs, row) -> rs.getInt("dlt_partition") + ":" + rs.getLong("dlt_offset"))
                    .list());
        }
        return replayed;
    }

    /** Records replays in one batch. */
    void record(List<Replay> replays) {
        if (replays.isEmpty()) {
            return;
        }
        batches.batchUpdate(
                RECORD,
                replays.stream()
                        .map(r -> new MapSqlParameterSource()
                                .addValue("partition", r.record().partition())
                                .addValue("offset", r.record().offset())
                                .addValue("eventId", uuidOrNull(r.record().eventId()))
                                .addValue("topic", r.topic())
                                .addValue("targetPartition", r.partition())
                                .addValue("targetOffset", r.offset())
                                .addValue("forced", r.forced())
                                .addValue("by", r.replayedBy()))
                        .toArray(SqlParameterSource[]::new));
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A dead letter sent back to {@code topic}, landing at {@code partition} and {@code offset}. */
    record Replay(DeadLetter record, String topic, int partition, long offset, boolean forced, String replayedBy) {}

    @Override
    public int purgeOlderThan(Instant cutoff, int limit) {
        return jdbc.sql(PURGE)
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update();
    }

    static String key(DeadLetter record) {
        return record.partition() + ":" + record.offset();
    }
}
