package io.pushpipe.bench;

import java.util.Locale;

/**
 * A figure the benchmark measures once per run, named by its key in {@code benchmark.json}. Only this type
 * spells keys: {@link Benchmark} records figures and {@link Report} lays them out through the same factories,
 * so a misspelt figure does not compile instead of leaving an empty cell.
 */
final class Figure {

    static final Figure RECOVERY_LOST = new Figure("recovery_lost");
    static final Figure RECOVERY_DUPLICATED = new Figure("recovery_duplicated");
    static final Figure RECOVERY_DRAIN_SECONDS = new Figure("recovery_drain_seconds");

    private final String key;

    private Figure(String key) {
        this.key = key;
    }

    /** Requests per second that {@code clients} closed-loop clients posted. */
    static Figure ingestRequestsPerSecond(int clients) {
        return ingest(clients, "rps");
    }

    /** A percentile of the POST's duration with {@code clients} clients, in ms. */
    static Figure ingestPost(int clients, Percentile percentile) {
        return ingest(clients, percentile.suffix);
    }

    /** POSTs refused with {@code clients} clients. */
    static Figure ingestErrors(int clients) {
        return ingest(clients, "errors");
    }

    /** CPU ms per accepted message that {@code process} used with {@code clients} clients. */
    static Figure ingestCpuMs(int clients, ProcessKind process) {
        return ingest(clients, "cpu_ms_" + process.key());
    }

    /** A percentile of the time from POST to push at {@code rate} messages per second, in ms. */
    static Figure endToEnd(int rate, Percentile percentile) {
        return endToEnd(rate, percentile.suffix);
    }

    /** Another figure of the time from POST to push at {@code rate} messages per second. */
    static Figure endToEnd(int rate, EndToEnd measure) {
        return endToEnd(rate, measure.name().toLowerCase(Locale.ROOT));
    }

    /** Notifications per second {@code instances} notification-service instances delivered from a backlog. */
    static Figure capacityPerSecond(int instances) {
        return new Figure("capacity_" + instances + "_per_second");
    }

    static Figure capacityNotifications(int instances) {
        return new Figure("capacity_" + instances + "_notifications");
    }

    /**
     * A figure of the scenario at Expo's limit with {@code instances} notification-service instances and the
     * sandbox answering after {@code latencyMillis}.
     */
    static Figure atExpoLimit(int instances, int latencyMillis, AtExpoLimit measure) {
        return atExpoLimit(instances, latencyMillis, measure.name().toLowerCase(Locale.ROOT));
    }

    /** A percentile of the time from POST to push in that scenario, in ms. */
    static Figure atExpoLimit(int instances, int latencyMillis, Percentile percentile) {
        return atExpoLimit(instances, latencyMillis, percentile.suffix);
    }

    /** A headline figure of one design, measured in the scenario that sets pushpipe beside the naive design. */
    static Figure beside(Design design, Beside measure) {
        return new Figure("design_" + design.name().toLowerCase(Locale.ROOT) + "_"
                + measure.name().toLowerCase(Locale.ROOT));
    }

    /** Peak resident memory of a service's (largest) process, in MiB. */
    static Figure memoryRssMib(ProcessKind service) {
        return new Figure("memory_" + service.key() + "_rss_mib");
    }

    /** Peak heap of a service's (largest) process, in MiB. */
    static Figure memoryHeapMib(ProcessKind service) {
        return new Figure("memory_" + service.key() + "_heap_mib");
    }

    private static Figure ingest(int clients, String measure) {
        return new Figure("ingest_c" + clients + "_" + measure);
    }

    private static Figure endToEnd(int rate, String measure) {
        return new Figure("e2e_r" + rate + "_" + measure);
    }

    private static Figure atExpoLimit(int instances, int latencyMillis, String measure) {
        return new Figure("limit_i" + instances + "_expo" + latencyMillis + "ms_" + measure);
    }

    /** The figure's name in {@code benchmark.json}, for example {@code ingest_c64_p99}. */
    String key() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Figure figure && figure.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }

    /** The percentiles the report gives of a distribution (nearest rank). */
    enum Percentile {
        P50(0.50),
        P95(0.95),
        P99(0.99);

        final double quantile;
        private final String suffix;

        Percentile(double quantile) {
            this.quantile = quantile;
            this.suffix = name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the latency scenarios measure besides the percentiles. */
    enum EndToEnd {
        /** The slowest message, in ms. */
        MAX,
        /** Mean time from the outbox insert to the relay reading it (its wake-up), in ms. */
        PICKUP_MS,
        /** Mean time from the outbox commit to the broker's acknowledgement, in ms. */
        RELAY_MS,
        /** Mean time from the relay sending a record to the start of the consumer batch that delivers it, in ms. */
        CONSUME_LAG_MS,
        /** Mean duration of a consumer batch, in ms. */
        LISTENER_MS,
        /** Mean duration of a request to the Expo sandbox, in ms. */
        EXPO_MS,
        /** Events per consumer batch. */
        BATCH_EVENTS,
        /** Messages per second the open loop achieved. */
        ACHIEVED_RPS
    }

    /** The two designs the scenario {@code naive} measures in the same run. */
    enum Design {
        /** The seed's: one server inserts, answers, then calls Expo once per message (module naive-design). */
        NAIVE,
        /** message-service, the outbox, Kafka and notification-service. */
        PUSHPIPE
    }

    /** What the scenario {@code naive} measures for each design. */
    enum Beside {
        /** Requests per second that 64 closed-loop clients posted. */
        INGEST_RPS,
        /** The median POST with 64 closed-loop clients, in ms. */
        INGEST_POST_P50,
        /** The 99th percentile POST with 64 closed-loop clients, in ms. */
        INGEST_POST_P99,
        /** The median POST at 300 messages per second (open loop), in ms. */
        OPEN_LOOP_POST_P50,
        /** The 99th percentile POST at 300 messages per second, in ms. */
        OPEN_LOOP_POST_P99,
        /** The median time from the start of a POST to the sandbox receiving a push, at 300 per second, in ms. */
        OPEN_LOOP_END_TO_END_P50,
        /** The 99th percentile of that time, in ms. */
        OPEN_LOOP_END_TO_END_P99,
        /** Pushes per second, first to last, of a fixed number of messages posted by 64 closed-loop clients. */
        CAPACITY_PER_SECOND
    }

    /** What the scenario at Expo's limit measures besides the percentiles. */
    enum AtExpoLimit {
        /** Notifications per second the sandbox received, from the first to the last. */
        DELIVERED_PER_SECOND,
        /**
         * Notifications per second the sandbox received from the moment the last POST was answered to the
         * last notification: the backlog drained with the two cores no longer shared with ingest.
         */
        DELIVERED_PER_SECOND_ONCE_POSTED,
        /** Send requests the sandbox answered with 429. */
        TOO_MANY_REQUESTS,
        /** The most send requests the sandbox answered with 429 within one second: whether they came in a burst. */
        TOO_MANY_REQUESTS_PEAK,
        /** Notifications expected but never received: expected minus distinct (message, token) pairs. */
        LOST,
        /** The most notifications the sandbox admitted within one rolling second, for the busiest project. */
        BUSIEST_SECOND
    }
}
