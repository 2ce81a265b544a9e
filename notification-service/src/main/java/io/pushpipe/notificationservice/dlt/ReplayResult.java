package io.pushpipe.notificationservice.dlt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * What a replay did, or with {@code dry_run} would do, record by record.
 *
 * @param dryRun true when nothing was sent
 * @param selected how many dead letters the request selected
 * @param replayed how many were sent back (with dry run: how many would be)
 * @param skipped how many were not, each with its reason
 * @param items one line per selected record
 */
record ReplayResult(
        @JsonProperty("dry_run") boolean dryRun, int selected, int replayed, int skipped, List<Item> items) {

    static ReplayResult of(boolean dryRun, List<Item> items) {
        int skipped =
                (int) items.stream().filter(i -> i.outcome() == Outcome.SKIPPED).count();
        return new ReplayResult(dryRun, items.size(), items.size() - skipped, skipped, items);
    }

    enum Outcome {
        REPLAYED,
        WOULD_REPLAY,
        SKIPPED;

        @com.fasterxml.jackson.annotation.JsonValue
        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(
            int partition,
            long offset,
            @JsonProperty("event_id") String eventId,
            String reason,
            Outcome outcome,
            @JsonProperty("skipped_because") String skippedBecause) {

        static Item of(DeadLetter record, Outcome outcome, String skippedBecause) {
            return new Item(
                    record.partition(), record.offset(), record.eventId(), record.reason(), outcome, skippedBecause);
        }

        static Item skipped(DeadLetter record, String because) {
            return of(record, Outcome.SKIPPED, because);
        }

        static Item missing(ReplayRequest.RecordRef ref) {
            return new Item(
                    ref.partition(), ref.offset(), null, null, Outcome.SKIPPED, "no such record in message-sent-dlt");
        }
    }
}
