package io.pushpipe.messageservice.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and deletes them once the broker has
 * acknowledged every record of the batch.
 *
 * <p>This is the loop: it runs a {@link RelayCycle} whenever rows may be waiting (an insert notification or
 * the poll interval), and backs off while cycles fail. One relay is active across all instances: the one
 * holding the lease in {@code relay_lease}, which each of its cycles renews. A relay that stops hands the
 * lease over at once; one that crashes is replaced once its lease expires ({@code
 * pushpipe.outbox.lease-duration}). A cycle that fails (Kafka unreachable, acknowledgements timing out)
 * leaves its rows, which are retried with exponential back-off. Records the broker acknowledged before such
 * a failure are published again on the retry; consumers drop those duplicates by event id.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    /** Longest single wait for a notification, so that stopping never waits out a long poll interval. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(500);

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final RelayCycle cycle;
    private final OutboxWakeups wakeups;
    private final OutboxProperties settings;
    private final Counter failures;
    private final Object sleeper = new Object();

    private volatile boolean running;
    private Thread thread;

    OutboxRelay(RelayCycle cycle, OutboxWakeups wakeups, OutboxProperties settings, MeterRegistry meters) {
        this.cycle = cycle;
        this.wakeups = wakeups;
        this.settings = settings;
        this.failures = Counter.builder("pushpipe.outbox.publish.failures")
                .description("Relay cycles that failed and were rolled back for a retry")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.start();
    }

    @Override
    public void stop() {
        Thread stopping;
        synchronized (this) {
            running = false;
            stopping = thread;
            thread = null;
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (stopping != null) {
            try {
                stopping.join(
                        settings.sendTimeout().plus(settings.pollInterval()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            releaseLease();
        }
    }

    private void releaseLease() {
        try {
            cycle.releaseLease();
        } catch (RuntimeException e) {
            log.warn("Could not hand the outbox relay lease over; another relay takes over once it expires", e);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        try {
            while (running) {
                try {
                    int count = cycle.relayOnce();
                    backoff = settings.initialBackoff();
                    if (count < settings.batchSize()) {
                        awaitWork();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn(
                            "Outbox relay could not publish, retrying in {} ms: {}",
                            backoff.toMillis(),
                            RelayCycle.describe(e));
                    pause(backoff);
                    backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
                }
            }
        } finally {
            wakeups.close();
        }
    }

    /** Returns on an insert notification, after the poll interval, or when the relay stops. */
    private void awaitWork() throws InterruptedException {
        long deadline = System.nanoTime() + settings.pollInterval().toNanos();
        while (running) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || wakeups.await(Duration.ofNanos(Math.min(remaining, WAIT_SLICE.toNanos())))) {
                return;
            }
        }
    }

    private void pause(Duration duration) {
        synchronized (sleeper) {
            if (running) {
                try {
                    sleeper.wait(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
