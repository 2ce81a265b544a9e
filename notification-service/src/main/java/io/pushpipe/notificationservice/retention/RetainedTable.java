package io.pushpipe.notificationservice.retention;

import java.time.Instant;

/** Implemented by the owner of a table that grows with traffic, so that {@link RetentionPurge} can keep it small. */
public interface RetainedTable {

    /**
     * Deletes at most {@code limit} rows of each of its tables that are older than {@code cutoff}.
     *
     * @return how many rows went
     */
    int purgeOlderThan(Instant cutoff, int limit);
}
