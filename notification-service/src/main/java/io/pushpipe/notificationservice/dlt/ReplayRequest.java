package io.pushpipe.notificationservice.dlt;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * What to replay: give one of {@code records}, {@code event_ids} or {@code filter} (an empty filter
 * selects every dead letter). Nothing is sent unless {@code dry_run} is false.
 *
 * @param records exact records by DLT partition and offset
 * @param eventIds records whose event id header is one of these
 * @param filter records matching these conditions
 * @param dryRun true (the default) only says what would be replayed
 * @param force replays records that were replayed before, too
 */
record ReplayRequest(
        @Valid List<RecordRef> records,
        @JsonProperty("event_ids") List<String> eventIds,
        DeadLetterFilter filter,
        @JsonProperty("dry_run") Boolean dryRun,
        Boolean force) {

    boolean selectsSomething() {
        return (records != null && !records.isEmpty()) || (eventIds != null && !eventIds.isEmpty()) || filter != null;
    }

    boolean isDryRun() {
        return dryRun == null || dryRun;
    }

    boolean isForced() {
        return force != null && force;
    }

    /** A record of {@code message-sent-dlt}. */
    record RecordRef(
            @NotNull @Min(0) Integer partition,
            @NotNull @Min(0) Long offset) {}
}
