package io.pushpipe.exposandbox;

import io.pushpipe.exposandbox.ExpoSandbox.Fault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** The faults a test turns on: scripted answers, an outage, latency and a demanded access token. Thread-safe. */
final class FaultSwitches {

    private final Deque<Fault> scripted = new ArrayDeque<>();
    private volatile boolean outage;
    private volatile Duration latency = Duration.ZERO;
    private volatile String requiredAccessToken;

    synchronized void failNext(int times, Fault fault) {
        for (int i = 0; i < times; i++) {
            scripted.add(fault);
        }
    }

    void outage(boolean on) {
        this.outage = on;
    }

    void latency(Duration latency) {
        this.latency = latency;
    }

    void requireAccessToken(String token) {
        this.requiredAccessToken = token;
    }

    /** The answer a send request gets in place of being handled: the outage's page, else the next scripted one. */
    synchronized Optional<Fault> next() {
        if (outage) {
            return Optional.of(Fault.htmlServiceUnavailable());
        }
        return Optional.ofNullable(scripted.poll());
    }

    /** Whether an {@code Authorization} header (null when absent) passes the demanded access token, if any. */
    boolean authorizes(String authorization) {
        String token = requiredAccessToken;
        return token == null || ("Bearer " + token).equals(authorization);
    }

    /** Waits the latency before an answer. */
    void pause() {
        Duration delay = latency;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Forgets the scripted faults, the outage and the access token; the latency stays. */
    synchronized void clear() {
        requiredAccessToken = null;
        scripted.clear();
        outage = false;
    }
}
