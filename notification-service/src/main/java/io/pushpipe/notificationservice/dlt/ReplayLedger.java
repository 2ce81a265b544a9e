package io.pushpipe.notificationservice.dlt;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code dlt_replays} table: which dead letters were replayed, when, by whom and where to. */
@Component
class ReplayLedger {

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

    private final JdbcClient jdbc;

    ReplayLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Which of these dead letters were replayed before, as {@code partition:offset} keys, in one query. */
    Set<String> replayed(Collection<DeadLetter> records) {
        if (records.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql(REPLAYED)
                .param(
                        "records",
                        records.stream()
                                .map(r -> new Object[] {r.partition(), r.offset()})
                                .toList())
                .query((rs, row) -> rs.getInt("dlt_partition") + ":" + rs.getLong("dlt_offset"))
                .list());
    }

    void record(DeadLetter record, String topic, int partition, long offset, boolean forced, String replayedBy) {
        jdbc.sql(RECORD)
                .param("partition", record.partition())
                .param("offset", record.offset())
                .param("eventId", uuidOrNull(record.eventId()))
                .param("topic", topic)
                .param("targetPartition", partition)
                .param("targetOffset", offset)
                .param("forced", forced)
                .param("by", replayedBy)
                .update();
    }

    private static UUID uuidOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String key(DeadLetter record) {
        return record.partition() + ":" + record.offset();
    }
}
