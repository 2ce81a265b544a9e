package io.pushpipe.exposandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Expo's limit of notifications per second and project, over a rolling second of arrivals; and the most any
 * rolling second held, so that a test can see how close a sender came to the limit. Thread-safe.
 */
final class ProjectRateLimit {

    private final Map<String, Deque<long[]>> sentPerProject = new HashMap<>();
    private final Map<String, Long> busiestSecond = new HashMap<>();
    private volatile int perSecond;

    ProjectRateLimit(int perSecond) {
        this.perSecond = perSecond;
    }

    /** 0 turns the limit off. */
    void perSecond(int limit) {
        this.perSecond = limit;
    }

    int perSecond() {
        return perSecond;
    }

    /** Whether {@code count} notifications of {@code project} arriving at {@code now} (millis) fit the limit. */
    synchronized boolean admits(String project, int count, long now) {
        int limit = perSecond;
        Deque<long[]> window = sentPerProject.computeIfAbsent(project, p -> new ArrayDeque<>());
        // Arrival times are taken before this lock, so they are not quite in order: drop by time, not by position.
        window.removeIf(entry -> entry[0] <= now - 1000);
        long sent = window.stream().mapToLong(entry -> entry[1]).sum();
        if (limit > 0 && sent + count > limit) {
            return false;
        }
        window.addLast(new long[] {now, count});
        busiestSecond.merge(project, sent + count, Math::max);
        return true;
    }

    /** Per project, the most notifications admitted within one rolling second. */
    synchronized Map<String, Long> busiestSecond() {
        return Map.copyOf(busiestSecond);
    }

    synchronized void clear() {
        sentPerProject.clear();
        busiestSecond.clear();
    }
}
