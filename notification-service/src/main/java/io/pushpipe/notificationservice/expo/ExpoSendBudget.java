package io.pushpipe.notificationservice.expo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Expo's per-project limit, shared by every notification-service instance of the group through PostgreSQL
 * ({@code expo_sends}, {@code reserve_expo_send} in {@code R__reserve_expo_send.sql}): each send request is
 * booked in the project's log before it goes, so that all instances together keep every rolling second under
 * the limit however many there are. Requests are spaced evenly at the project's pace, each by its share of
 * the window, so that they reach Expo one at a time instead of a window's worth at once; after a stall the
 * requests that missed their turn may go up to {@code pacing.catch-up} ahead of the pace, at twice the pace,
 * so that a pause does not leave the limit unused for good. A request whose turn comes with room in the
 * window for only part of it goes in parts, so that the room is used at once. On each instance requests are
 * booked in the order they asked ({@link #bookInTurn}). An instance that is idle books nothing, so the busy
 * ones get the whole limit at once; one that crashes leaves at most {@code pacing.booking-horizon} of
 * bookings unused.
 *
 * <p>The window is a second plus {@code pacing.margin}: a request booked a window after another may reach
 * Expo that much sooner than its booking says (a GC pause or a busy core delayed the earlier one) without
 * the two meeting in one of Expo's seconds. A 429 all the same lowers the project's rate for the whole group
 * ({@link #slowDown}), which then creeps back to the limit over {@code pacing.recovery}.
 */
@Component
class ExpoSendBudget {

    private static final Logger log = LoggerFactory.getLogger(ExpoSendBudget.class);

    private static final String RESERVE = """
            select reserved, wait_ms, booking, granted
            from reserve_expo_send(:project, :notifications, :smallest, :limit,
                                   make_interval(secs => :windowSeconds), make_interval(secs => :horizonSeconds),
                                   make_interval(secs => :recoverySeconds), make_interval(secs => :catchUpSeconds))
            """;

    /**
     * Once per {@link #SLOW_DOWN_INTERVAL} at most: the 429s of one burst, and those of the requests already
     * booked at the old rate, lower the rate once.
     */
    private static final String SLOW_DOWN = """
            update expo_projects
            set slowed_to = greatest(:floor, :factor * least(1.0,
                    slowed_to + extract(epoch from clock_timestamp() - slowed_at) / :recoverySeconds)),
                slowed_at = clock_timestamp()
            where project = :project
              and slowed_at < clock_timestamp() - make_interval(secs => :intervalSeconds)
            returning slowed_to
            """;

    /** The booking goes, and the project's pace moves back by its share, so that the next request has its turn. */
    private static final String GIVE_BACK = """
            with unused as (delete from expo_sends where id = :booking returning project, spacing)
            update expo_projects p
            set paced_until = p.paced_until - unused.spacing
            from unused
            where p.project = unused.project
            """;

    /**
     * A request goes in parts when the window has room for only part of it at its turn, but no part smaller
     * than this: each part is a request of its own.
     */
    static final int SMALLEST_PART = 10;

    private static final Duration SLOW_DOWN_INTERVAL = Duration.ofSeconds(5);

    /** The rate after a 429 never goes below this share of the limit. */
    private static final double FLOOR = 0.2;

    private final JdbcClient jdbc;
    private final int limit;
    private final ExpoProperties.Pacing settings;
    private final double windowSeconds;
    private final long lateStartNanos;
    private final Counter lateStarts;
    private final Map<String, Lock> turns = new ConcurrentHashMap<>();

    ExpoSendBudget(JdbcClient jdbc, ExpoProperties settings, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.limit = settings.notificationsPerSecond();
        this.settings = settings.pacing();
        this.windowSeconds = seconds(Duration.ofSeconds(1).plus(this.settings.margin()));
        this.lateStartNanos = this.settings.margin().toNanos() / 2;
        this.lateStarts = Counter.builder("pushpipe.expo.late.starts")
                .description("Send requests that woke up too late for their booked start and were booked again")
                .register(meters);
    }

    /** Whether a limit is set at all; without one nothing is booked. */
    private boolean limited() {
        return limit > 0;
    }

    /** The most notifications one request may carry so that it fits the limit. */
    int largestRequest(int wanted) {
        return limited() ? Math.min(wanted, limit) : wanted;
    }

    /**
     * Books a request of up to {@code notifications} for the project, has the part it is booked for prepared
     * while it waits, and waits until that part may start: the first {@code notifications}, or at least
     * {@link #SMALLEST_PART} of them, when the window has room for only part of the request at its turn. The
     * rest books the next turn, so that the window's room is used instead of waiting until the whole request
     * fits. A thread that wakes up later than half the margin after its booked start (a busy core, a GC
     * pause) gives its booking back and books again for what it was granted (its part is prepared), so that
     * lateness on this side never eats the half of the margin that the network needs. Giving back leaves a
     * gap in the schedule as long as the request's share of the window (the bookings after it do not move),
     * so a thread only a little late keeps its booking.
     *
     * @param prepare given how many of the first notifications may go, prepares them to be sent
     * @return what {@code prepare} made of the part that may go now
     * @throws ExpoUnavailableException when interrupted while waiting
     */
    <T> T acquire(String project, int notifications, IntFunction<T> prepare) {
        if (!limited()) {
            return prepare.apply(notifications);
        }
        int wanted = notifications;
        while (true) {
            Booking booking = bookInTurn(project, wanted);
            long startsAt = booking.endOfWait();
            T prepared = prepare.apply(booking.granted());
            sleepUntil(startsAt);
            if (System.nanoTime() - startsAt <= lateStartNanos) {
                return prepared;
            }
            giveBack(booking);
            lateStarts.increment();
            wanted = booking.granted();
        }
    }

    /**
     * Books the request once every request that asked before it on this instance is booked: the first of
     * them waits until its turn is within the horizon while the others queue behind it. A consumer's batch
     * is then booked as a whole, in its order, and is over a round trip after its last turn, while the
     * other consumers' batches, booked after it, keep the limit used; booked in whatever order the waiting
     * threads woke up, every consumer's batch ended at about the same time, and the limit went unused for a
     * round trip while they all polled again.
     */
    private Booking bookInTurn(String project, int notifications) {
        Lock turn = turns.computeIfAbsent(project, name -> new ReentrantLock(true));
        try {
            turn.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpoUnavailableException("interrupted while waiting for Expo's rate limit", e);
        }
        try {
            Booking booking = book(project, notifications);
            while (!booking.reserved()) {
                sleepUntil(booking.endOfWait());
                booking = book(project, notifications);
            }
            return booking;
        } finally {
            turn.unlock();
        }
    }

    /**
     * Books the request, or as much of it as its turn has room for, if it can start within the horizon; says
     * how long to wait either way.
     */
    Booking book(String project, int notifications) {
        return jdbc.sql(RESERVE)
                .param("project", project)
                .param("notifications", notifications)
                .param("smallest", SMALLEST_PART)
                .param("limit", limit)
                .param("windowSeconds", windowSeconds)
                .param("horizonSeconds", seconds(settings.bookingHorizon()))
                .param("recoverySeconds", seconds(settings.recovery()))
                .param("catchUpSeconds", seconds(settings.catchUp()))
                .query((rs, row) -> new Booking(
                        rs.getBoolean("reserved"),
                        rs.getDouble("wait_ms"),
                        rs.getLong("booking"),
                        rs.getInt("granted")))
                .single();
    }

    /** Deletes a booking that no request used, so that its share of the window goes to the next one. */
    void giveBack(Booking booking) {
        jdbc.sql(GIVE_BACK).param("booking", booking.id()).update();
    }

    /** Expo answered 429 for the project: the whole group sends at {@code pacing.slow-down-factor} of its rate. */
    void slowDown(String project) {
        if (!limited()) {
            return;
        }
        jdbc.sql(SLOW_DOWN)
                .param("project", project)
                .param("floor", FLOOR)
                .param("factor", settings.slowDownFactor())
                .param("recoverySeconds", seconds(settings.recovery()))
                .param("intervalSeconds", seconds(SLOW_DOWN_INTERVAL))
                .query(Double.class)
                .optional()
                .ifPresent(share -> log.warn(
                        "Expo answered 429 for project {}: every instance now sends at most {} notifications/s,"
                                + " back to {} within {}",
                        project,
                        Math.round(share * limit),
                        limit,
                        settings.recovery()));
    }

    private static void sleepUntil(long nanoTime) {
        long nanos = nanoTime - System.nanoTime();
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpoUnavailableException("interrupted while waiting for Expo's rate limit", e);
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /**
     * @param reserved whether the request is booked
     * @param waitMillis how long to wait before sending it, or before asking again when it is not booked
     * @param id the booking's id in {@code expo_sends} when it is booked
     * @param granted how many of the notifications it is booked for: the first that many may go
     */
    record Booking(boolean reserved, double waitMillis, long id, int granted) {

        /** When the wait ends, on {@link System#nanoTime()}'s clock, counted from now (the answer). */
        long endOfWait() {
            return System.nanoTime() + Math.round(waitMillis * 1e6);
        }
    }
}
