package io.pushpipe.bench;

import io.pushpipe.exposandbox.ReceivedNotification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production-shaped fault run ({@code ./pushpipe-bench --scenarios chaos}): message-service and two
 * notification-service instances as separate JVMs, Kafka in a process of its own, PostgreSQL, the default
 * configuration, 300 messages a second through the HTTP API for 40 s, and three faults: one
 * notification-service instance killed with SIGKILL at 12 s, the broker stopped from 20 s to 30 s, PostgreSQL
 * restarted at 34 s. Reports what a user notices: notifications lost, shown twice, how long the killed
 * instance's partitions went unserved, end-to-end latency and how long the backlog took to drain.
 */
final class ChaosRun {

    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    private static final int PER_SECOND = 300;
    private static final Duration LOAD = Duration.ofSeconds(40);
    private static final int KILL_AT = 12;
    private static final int BROKER_STOP_AT = 20;
    private static final int BROKER_START_AT = 30;
    private static final int POSTGRES_RESTART_AT = 34;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    private ChaosRun() {}

    static void main(Benchmark.Options options, Path root) throws Exception {
        List<Figures> runs = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            log.info("▶ Chaos run {} of {}", run, options.runs());
            runs.add(run(options, root, run));
            write(root.resolve("bench/results"), options, runs);
        }
        System.out.println(Files.readString(root.resolve("bench/results/chaos.md")));
        System.exit(0);
    }

    private static Figures run(Benchmark.Options options, Path root, int run) throws Exception {
        Path logs = root.resolve("bench/target/logs/chaos-" + run);
        try (Pipeline pipeline = new Pipeline(root, logs, false)) {
            pipeline.expo().latency(Duration.ofMillis(options.expoLatencyMillis()));
            pipeline.startMessageService();
            pipeline.startNotificationServices(2);
            pipeline.seedCandidates(options.candidates(), run, 1);
            Load load = new Load(pipeline);
            log.info("Warming up: {} messages a second for {} s", PER_SECOND, options.warmUpSeconds());
            Load.Outcome warmUp = load.openLoop(PER_SECOND, Duration.ofSeconds(options.warmUpSeconds()), run, Map.of());
            awaitDelivered(pipeline, warmUp);
            List<ServiceProcess> instances = pipeline.notificationServices();
            awaitAssigned(instances, 12);

            ServiceProcess victim = instances.get(1);
            ServiceProcess survivor = instances.get(0);
            AtomicReference<Instant> killedAt = new AtomicReference<>();
            AtomicReference<Instant> failedOverAt = new AtomicReference<>();
            AtomicReference<Instant> lastFaultOverAt = new AtomicReference<>();
            List<Thread> faults = new ArrayList<>();
            Map<Integer, Runnable> atSecond = Map.of(
                    KILL_AT,
                    () -> faults.add(fault("kill -9 " + victim.name(), () -> {
                        killedAt.set(Instant.now());
                        victim.kill();
                        awaitAssigned(List.of(survivor), 12);
                        failedOverAt.set(Instant.now());
                    })),
                    BROKER_STOP_AT,
                    () -> faults.add(
                            fault("stop the broker", () -> pipeline.broker().stop())),
                    BROKER_START_AT,
                    () -> faults.add(
                            fault("start the broker", () -> pipeline.broker().start())),
                    POSTGRES_RESTART_AT,
                    () -> faults.add(fault("restart PostgreSQL", () -> {
                        pipeline.restartPostgres();
                        lastFaultOverAt.set(Instant.now());
                    })));
            log.info("Chaos: {} messages a second for {}", PER_SECOND, LOAD);
            Load.Outcome outcome = load.openLoop(PER_SECOND, LOAD, run * 7919L, atSecond);
            Instant lastPost = Instant.now();
            for (Thread fault : faults) {
                fault.join();
            }
            awaitDelivered(pipeline, outcome);
            return figures(pipeline, outcome, killedAt.get(), failedOverAt.get(), lastPost, lastFaultOverAt.get());
        }
    }

    private static Figures figures(
            Pipeline pipeline,
            Load.Outcome outcome,
            Instant killedAt,
            Instant failedOverAt,
            Instant lastPost,
            Instant lastFaultOverAt) {
        Map<String, List<ReceivedNotification>> byDevice = new HashMap<>();
        Map<String, Instant> firstPush = new HashMap<>();
        Instant lastPush = Instant.EPOCH;
        for (ReceivedNotification push : pipeline.expo().notifications()) {
            Object messageId = push.data().get("messageId");
            if (messageId == null || !outcome.postedAt.containsKey(messageId.toString())) {
                continue;
            }
            byDevice.computeIfAbsent(messageId + "|" + push.to(), k -> new ArrayList<>())
                    .add(push);
            firstPush.merge(messageId.toString(), push.receivedAt(), (a, b) -> a.isBefore(b) ? a : b);
            lastPush = push.receivedAt().isAfter(lastPush) ? push.receivedAt() : lastPush;
        }
        long duplicates = 0;
        long visible = 0;
        Instant firstPost = outcome.postedAt.values().stream()
                .min(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        Map<Long, Long> repeatsBySecond = new TreeMap<>();
        Map<Long, Long> repeatGaps = new TreeMap<>();
        for (List<ReceivedNotification> copies : byDevice.values()) {
            if (copies.size() > 1) {
                duplicates += copies.size() - 1;
                copies.subList(1, copies.size())
                        .forEach(copy -> repeatsBySecond.merge(
                                Duration.between(firstPost, copy.receivedAt()).toSeconds(), 1L, Long::sum));
                repeatGaps.merge(
                        Duration.between(
                                                copies.get(0).receivedAt(),
                                                copies.get(1).receivedAt())
                                        .toMillis()
                                / 100
                                * 100,
                        1L,
                        Long::sum);
                String collapse = copies.get(0).collapseId();
                boolean replaced =
                        collapse != null && copies.stream().allMatch(c -> Objects.equals(collapse, c.collapseId()));
                visible += replaced ? 0 : copies.size() - 1;
            }
        }
        log.info("Repeated pushes by the second they arrived in, counted from the first POST: {}", repeatsBySecond);
        log.info("Repeated pushes by the time from the first push to the repeat, in 100 ms steps: {}", repeatGaps);
        List<Double> endToEnd = new ArrayList<>();
        List<Double> beforeFaults = new ArrayList<>();
        Map<Long, Long> slowestBySecondPosted = new TreeMap<>();
        Map<Long, Long> firstPushesBySecond = new TreeMap<>();
        outcome.postedAt.forEach((id, posted) -> {
            Instant pushed = firstPush.get(id);
            if (pushed != null) {
                double millis = Duration.between(posted, pushed).toMillis();
                endToEnd.add(millis);
                slowestBySecondPosted.merge(Duration.between(firstPost, posted).toSeconds(), (long) millis, Math::max);
                firstPushesBySecond.merge(Duration.between(firstPost, pushed).toSeconds(), 1L, Long::sum);
                if (posted.isBefore(killedAt) && pushed.isBefore(killedAt)) {
                    beforeFaults.add(millis);
                }
            }
        });
        log.info(
                "Slowest end to end in ms, by the second posted, counted from the first POST: {}",
                slowestBySecondPosted);
        log.info("Messages first pushed, by the second, counted from the first POST: {}", firstPushesBySecond);
        endToEnd.sort(Double::compare);
        beforeFaults.sort(Double::compare);
        Instant lastFault = lastFaultOverAt == null ? lastPost : lastFaultOverAt;
        Instant drainedFrom = lastPost.isAfter(lastFault) ? lastPost : lastFault;
        return new Figures(
                outcome.accepted.get(),
                outcome.refused.get(),
                outcome.expectedNotifications.get() - byDevice.size(),
                duplicates,
                visible,
                failedOverAt == null
                        ? -1
                        : Duration.between(killedAt, failedOverAt).toMillis() / 1000.0,
                Benchmark.percentile(beforeFaults, 0.50) / 1000.0,
                Benchmark.percentile(beforeFaults, 0.99) / 1000.0,
                Benchmark.percentile(endToEnd, 0.50) / 1000.0,
                Benchmark.percentile(endToEnd, 0.99) / 1000.0,
                Math.max(0, Duration.between(drainedFrom, lastPush).toMillis()) / 1000.0);
    }

    private static Thread fault(String name, ThrowingRunnable action) {
        Thread thread = new Thread(
                () -> {
                    log.info("⚡ {}", name);
                    try {
                        action.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(name + " failed", e);
                    }
                    log.info("⚡ {}: done", name);
                },
                "fault");
        thread.start();
        return thread;
    }

    /** Waits until the instances together hold every partition of message-sent, at most a minute. */
    private static void awaitAssigned(List<ServiceProcess> instances, int partitions) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            double assigned = instances.stream()
                    .mapToDouble(instance -> Metrics.scrape(instance)
                            .getOrDefault("kafka_consumer_coordinator_assigned_partitions", 0.0))
                    .sum();
            if (assigned >= partitions) {
                return;
            }
            ServiceProcess.sleep(Duration.ofMillis(200));
        }
        log.warn("The instances did not hold all {} partitions within a minute", partitions);
    }

    /** Waits until every accepted message reached every device of its receiver, or the timeout. */
    private static void awaitDelivered(Pipeline pipeline, Load.Outcome outcome) {
        Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            long delivered = pipeline.expo().notifications().stream()
                    .filter(n -> n.data().get("messageId") != null
                            && outcome.postedAt.containsKey(
                                    n.data().get("messageId").toString()))
                    .map(n -> n.data().get("messageId") + "|" + n.to())
                    .distinct()
                    .count();
            if (delivered >= outcome.expectedNotifications.get()) {
                return;
            }
            ServiceProcess.sleep(Duration.ofMillis(250));
        }
        log.warn("Not every notification arrived within {}", DRAIN_TIMEOUT);
    }

    private static void write(Path results, Benchmark.Options options, List<Figures> runs) throws IOException {
        StringBuilder md = new StringBuilder()
                .append("# pushpipe chaos run\n\n")
                .append("Default configuration, ")
                .append(PER_SECOND)
                .append(" messages/s through the API for ")
                .append(LOAD.toSeconds())
                .append(" s, one device per candidate, Expo latency ")
                .append(options.expoLatencyMillis())
                .append(" ms; kill -9 of one of two notification-service instances at ")
                .append(KILL_AT)
                .append(" s, the broker stopped ")
                .append(BROKER_STOP_AT)
                .append("–")
                .append(BROKER_START_AT)
                .append(" s, PostgreSQL restarted at ")
                .append(POSTGRES_RESTART_AT)
                .append(" s. Medians of ")
                .append(runs.size())
                .append(" runs; every run's value in brackets.\n\n")
                .append("| figure | median | runs | target |\n|---|---|---|---|\n");
        row(md, runs, "messages accepted (201)", f -> f.accepted(), "%.0f", "");
        row(md, runs, "messages refused (the API said so: PostgreSQL restarting)", f -> f.refused(), "%.0f", "");
        row(md, runs, "notifications lost", f -> f.lost(), "%.0f", "0");
        row(md, runs, "pushes repeated (same message, same device)", f -> f.duplicates(), "%.0f", "");
        row(md, runs, "… of which shown twice (no shared collapse identity)", f -> f.visibleDuplicates(), "%.0f", "0");
        row(md, runs, "failover after kill -9 (s)", f -> f.failoverSeconds(), "%.1f", "≤ 10");
        row(md, runs, "end-to-end p50 before the first fault (s)", f -> f.calmP50Seconds(), "%.2f", "");
        row(md, runs, "end-to-end p99 before the first fault (s)", f -> f.calmP99Seconds(), "%.2f", "");
        row(md, runs, "end-to-end p50 (s)", f -> f.endToEndP50Seconds(), "%.2f", "");
        row(md, runs, "end-to-end p99 (s)", f -> f.endToEndP99Seconds(), "%.2f", "≤ 15");
        row(md, runs, "backlog drained after the last fault or POST (s)", f -> f.drainSeconds(), "%.1f", "≤ 10");
        Files.createDirectories(results);
        Files.writeString(results.resolve("chaos.md"), md.toString());
    }

    private static void row(
            StringBuilder md,
            List<Figures> runs,
            String name,
            ToDoubleFunction<Figures> figure,
            String format,
            String target) {
        List<Double> values = runs.stream().map(figure::applyAsDouble).sorted().toList();
        md.append("| ")
                .append(name)
                .append(" | ")
                .append(String.format(format, values.get(values.size() / 2)))
                .append(" | ")
                .append(runs.stream()
                        .map(r -> String.format(format, figure.applyAsDouble(r)))
                        .toList())
                .append(" | ")
                .append(target)
                .append(" |\n");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One chaos run's figures; the failover is -1 when it did not happen within a minute. */
    record Figures(
            long accepted,
            long refused,
            long lost,
            long duplicates,
            long visibleDuplicates,
            double failoverSeconds,
            double calmP50Seconds,
            double calmP99Seconds,
            double endToEndP50Seconds,
            double endToEndP99Seconds,
            double drainSeconds) {}
}
