package io.pushpipe.notificationservice.delivery;

import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeliveryRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Expo's answers that the ledger could not take when they came (the database restarting, unreachable):
 * kept in memory and written before the next batch is planned, so that the batch's retry finds those
 * devices answered instead of pushing them again. An optimisation, not a promise: after a crash they are
 * gone and the devices are pushed again, with the event's collapse identity, as without it.
 */
final class UnwrittenOutcomes {

    /** At most this many are kept; beyond it the oldest are let go (their devices are pushed again). */
    private static final int LIMIT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(UnwrittenOutcomes.class);

    private final Deque<DeliveryRecord> kept = new ArrayDeque<>();

    synchronized void keep(List<DeliveryRecord> outcomes) {
        kept.addAll(outcomes);
        int over = kept.size() - LIMIT;
        for (int i = 0; i < over; i++) {
            kept.removeFirst();
        }
        if (over > 0) {
            log.warn(
                    "{} outcomes Expo answered could not be kept until the database is back; those devices"
                            + " will be pushed again",
                    over);
        }
    }

    /**
     * Writes what is kept. While the database cannot take them they stay kept and the failure is thrown;
     * outcomes it refuses for their content are let go, so that they cannot block delivery.
     */
    synchronized void writeTo(DeliveryLedger ledger) {
        if (kept.isEmpty()) {
            return;
        }
        List<DeliveryRecord> outcomes = new ArrayList<>(kept);
        try {
            ledger.record(outcomes);
            kept.clear();
        } catch (DataIntegrityViolationException e) {
            kept.clear();
            log.warn(
                    "{} outcomes Expo answered earlier were refused by the database and let go: {}",
                    outcomes.size(),
                    e.getMostSpecificCause().getMessage());
            throw e;
        }
    }
}
