package io.pushpipe.bench;

import static io.pushpipe.bench.Figure.Percentile.P50;
import static io.pushpipe.bench.Figure.Percentile.P99;

import io.pushpipe.exposandbox.ExpoSandbox;
import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.exposandbox.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every scenario {@code runs} times, each run on a fresh pipeline, and writes the medians with every
 * run's figures to {@code bench/results/benchmark.md} and {@code .json}.
 *
 * <p>Options: {@link #USAGE}.
 */
public final class Benchmark {

    private static final Logger log = LoggerFactory.getLogger(Benchmark.class);
    static final String USAGE = """
            ./pushpipe-bench [--runs 3] [--backlog 100000] [--candidates 5000] [--seconds 15] [--warm-up 60]
                [--expo-latency-ms 0] [--expo-limit 600] [--limit-instances 1,3] [--limit-latencies-ms 0,250,500]
                [--limit-messages 10000] [--limit-post-rate 540]
                [--scenarios ingest,latency,naive,recovery,capacity,limit | chaos] [--jfr]
            See bench/README.md for what each scenario measures.""";

    /** The hops message-service times, as the means the breakdown at each rate gives. */
    private static final Map<Figure.EndToEnd, String> RELAY_TIMERS = Map.of(
            Figure.EndToEnd.PICKUP_MS, "pushpipe_outbox_pickup_latency_seconds",
            Figure.EndToEnd.RELAY_MS, "pushpipe_outbox_publish_latency_seconds");
    /** The hops notification-service times. */
    private static final Map<Figure.EndToEnd, String> DELIVERY_TIMERS = Map.of(
            Figure.EndToEnd.CONSUME_LAG_MS, "pushpipe_events_consume_lag_seconds",
            Figure.EndToEnd.LISTENER_MS, "spring_kafka_listener_seconds",
            Figure.EndToEnd.EXPO_MS, "pushpipe_expo_request_latency_seconds");

    /** {@code pushpipe.expo.notifications-per-second=0}: the client-side limit off, nothing booked. */
    private static final int NO_CLIENT_LIMIT = 0;
    // The scenario beside the naive design: its clients, its open loop's rate and seconds, its messages.
    static final int BESIDE_CLIENTS = 64;
    static final int BESIDE_RATE = 300;
    static final int BESIDE_SECONDS = 20;
    static final int BESIDE_MESSAGES = 20_000;
    /**
     * Each cell's fresh instances first deliver this many messages a second (about 300 pushes, half Expo's
     * limit) for {@link #LIMIT_WARM_UP}: a deployment's instances have long compiled their hot paths, fresh
     * ones spend their first seconds' CPU on the JIT compiler, which the cell would otherwise measure.
     */
    private static final int LIMIT_WARM_UP_RATE = 200;

    private static final Duration LIMIT_WARM_UP = Duration.ofSeconds(15);
    /**
     * How long a scenario waits for its notifications: at Expo's limit, 10,000 messages make about 20,000
     * pushes, 35 s at 570 per second and several times that when Expo answers late.
     */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

    private final Options options;
    private final Path root;
    /** Whether the run's notification-service runs with the client limit off now (it starts in the default). */
    private boolean clientLimitOff;

    private Benchmark(Options options, Path root) {
        this.options = options;
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("kafka-broker")) {
            KafkaBroker.run(args[1]);
            return;
        }
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Options options = Options.parse(args);
        if (options.scenarios().equals(Set.of("chaos"))) {
            ChaosRun.main(options, Path.of("").toAbsolutePath());
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        Benchmark benchmark = new Benchmark(options, root);
        List<Map<Figure, Double>> runs = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            log.info("▶ Run {} of {}", run, options.runs());
            runs.add(benchmark.run(run));
            Report.write(root.resolve("bench/results"), options, runs);
        }
        log.info("Report: {}", root.resolve("bench/results/benchmark.md"));
        System.out.println(Files.readString(root.resolve("bench/results/benchmark.md")));
        System.exit(0);
    }

    private Map<Figure, Double> run(int run) throws Exception {
        Map<Figure, Double> figures = new LinkedHashMap<>();
        Path logs = root.resolve("bench/target/logs/run-" + run);
        try (Pipeline pipeline = new Pipeline(root, logs, options.jfr())) {
            pipeline.expo().latency(Duration.ofMillis(options.expoLatencyMillis()));
            pipeline.startMessageService();
            pipeline.startNotificationServices(1);
            clientLimitOff = false;
            pipeline.seedCandidates(options.candidates(), run);
            Load load = new Load(pipeline);
            log.info("Warming up the JVMs");
            warmUp(pipeline, load, run);
            if (options.runs("ingest")) {
                ingest(pipeline, load, figures, run);
            }
            if (options.runs("latency")) {
                latency(pipeline, load, figures, run);
            }
            if (options.runs("naive")) {
                besideNaiveDesign(pipeline, load, figures, run);
            }
            if (options.runs("recovery")) {
                recovery(pipeline, load, figures, run);
            }
            if (options.runs("capacity")) {
                for (int instances = 1; instances <= 3; instances++) {
                    capacity(pipeline, instances, figures, run);
                }
            }
            if (options.runs("limit")) {
                atExpoLimit(pipeline, load, figures, run);
            }
            memory(pipeline, figures);
        }
        log.info("Run {}: {}", run, figures);
        return figures;
    }

    private void ingest(Pipeline pipeline, Load load, Map<Figure, Double> figures, int run) throws Exception {
        for (int clients : List.of(16, 64)) {
            pipeline.expo().reset();
            Map<ProcessKind, Double> cpuBefore = CpuTime.snapshot(pipeline);
            Load.Outcome outcome =
                    load.closedLoop(clients, Duration.ofSeconds(options.seconds()), run * 100L + clients);
            awaitNotifications(pipeline.expo(), outcome.expectedNotifications.get());
            Map<ProcessKind, Double> cpuAfter = CpuTime.snapshot(pipeline);
            figures.put(Figure.ingestRequestsPerSecond(clients), outcome.requestsPerSecond());
            percentiles(figures, p -> Figure.ingestPost(clients, p), outcome.postMillis);
            figures.put(Figure.ingestErrors(clients), (double) outcome.refused.get());
            cpuAfter.forEach((process, seconds) -> figures.put(
                    Figure.ingestCpuMs(clients, process),
                    (seconds - cpuBefore.get(process)) * 1000 / outcome.accepted.get()));
        }
    }

    private void latency(Pipeline pipeline, Load load, Map<Figure, Double> figures, int run) {
        for (int rate : List.of(100, 300, 1000)) {
            pipeline.expo().reset();
            ServiceProcess notifications = pipeline.notificationServices().get(0);
            Map<String, Double> relayBefore = Metrics.scrape(pipeline.messageService());
            Map<String, Double> deliveryBefore = Metrics.scrape(notifications);
            Load.Outcome outcome = load.openLoop(
                    rate, Duration.ofSeconds(Math.max(20, options.seconds())), run * 10L + rate, Map.of());
            awaitNotifications(pipeline.expo(), outcome.expectedNotifications.get());
            List<Double> endToEnd = endToEndMillis(outcome, pipeline.expo().notifications());
            Map<String, Double> relayAfter = Metrics.scrape(pipeline.messageService());
            Map<String, Double> deliveryAfter = Metrics.scrape(notifications);
            RELAY_TIMERS.forEach((measure, timer) ->
                    figures.put(Figure.endToEnd(rate, measure), Metrics.meanMillis(relayBefore, relayAfter, timer)));
            DELIVERY_TIMERS.forEach((measure, timer) -> figures.put(
                    Figure.endToEnd(rate, measure), Metrics.meanMillis(deliveryBefore, deliveryAfter, timer)));
            figures.put(
                    Figure.endToEnd(rate, Figure.EndToEnd.BATCH_EVENTS),
                    Metrics.delta(deliveryBefore, deliveryAfter, "pushpipe_events_consumed_total")
                            / Metrics.delta(deliveryBefore, deliveryAfter, "spring_kafka_listener_seconds_count"));
            figures.put(Figure.endToEnd(rate, Figure.EndToEnd.ACHIEVED_RPS), outcome.requestsPerSecond());
            percentiles(figures, p -> Figure.endToEnd(rate, p), endToEnd);
            figures.put(
                    Figure.endToEnd(rate, Figure.EndToEnd.MAX),
                    endToEnd.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    /**
     * The headline figures of both designs, one after the other on the same PostgreSQL, sandbox, candidates and
     * seeds: first pushpipe on the run's pipeline, in its default configuration (for the capacity through the
     * API, restarted with the client limit off), then the naive design in a JVM of its own, warmed up as
     * long as pushpipe was and stopped afterwards. pushpipe's services stay up meanwhile, idle; the log says
     * how much CPU they took.
     */
    private void besideNaiveDesign(Pipeline pipeline, Load load, Map<Figure, Double> figures, int run)
            throws InterruptedException {
        measureDesign(Figure.Design.PUSHPIPE, pipeline, load, figures, run);
        ServiceProcess naive = pipeline.startNaiveDesign();
        try {
            Load naiveLoad = new Load(pipeline, naive);
            log.info("Warming the naive design up");
            warmUp(pipeline, naiveLoad, run);
            Map<ProcessKind, Double> cpuBefore = CpuTime.snapshot(pipeline);
            long started = System.nanoTime();
            measureDesign(Figure.Design.NAIVE, pipeline, naiveLoad, figures, run);
            Map<ProcessKind, Double> cpuAfter = CpuTime.snapshot(pipeline);
            log.info(
                    "While the naive design was measured ({} s), pushpipe's idle services used {} s of CPU"
                            + " (message-service) and {} s (notification-service)",
                    Math.round((System.nanoTime() - started) / 1e9),
                    cpuSeconds(cpuBefore, cpuAfter, ProcessKind.MESSAGE_SERVICE),
                    cpuSeconds(cpuBefore, cpuAfter, ProcessKind.NOTIFICATION_SERVICE));
        } finally {
            pipeline.stopNaiveDesign();
        }
    }

    /**
     * Warms a design's JVMs up as the scenarios load them: 64 clients for {@code --warm-up} seconds, then
     * {@value #BESIDE_RATE} messages a second for {@value #BESIDE_SECONDS} s, each until its pushes have
     * arrived. The steady rate is not optional: code that the JIT compiled under the saturating closed
     * loop is deoptimized and compiled again once requests arrive one at a time (on this machine, the first
     * open loop after the closed one alone cost message-service about a core of compilation for 20 s and
     * multiplied the end-to-end latency several times).
     */
    private void warmUp(Pipeline pipeline, Load load, int run) throws InterruptedException {
        pipeline.expo().reset();
        awaitQuiet(pipeline, load.closedLoop(BESIDE_CLIENTS, Duration.ofSeconds(options.warmUpSeconds()), run * 1000L));
        pipeline.expo().reset();
        awaitQuiet(pipeline, load.openLoop(BESIDE_RATE, Duration.ofSeconds(BESIDE_SECONDS), run * 2000L, Map.of()));
    }

    /**
     * One design's headline figures through {@code load}'s API: ingest with 64 closed-loop clients, an open
     * loop at 300 messages per second, and the rate at which the pushes of 20,000 messages posted by 64
     * clients arrive, the sandbox's limit off.
     */
    private void measureDesign(Figure.Design design, Pipeline pipeline, Load load, Map<Figure, Double> figures, int run)
            throws InterruptedException {
        ExpoSandbox expo = pipeline.expo();
        Function<Figure.Beside, Figure> figure = measure -> Figure.beside(design, measure);
        log.info("{}: ingest, {} clients for {} s", design, BESIDE_CLIENTS, options.seconds());
        expo.reset();
        Load.Outcome ingest =
                load.closedLoop(BESIDE_CLIENTS, Duration.ofSeconds(options.seconds()), run * 100L + BESIDE_CLIENTS);
        awaitNotifications(expo, ingest.expectedNotifications.get());
        List<Double> ingestPosts = sorted(ingest.postMillis);
        figures.put(figure.apply(Figure.Beside.INGEST_RPS), ingest.requestsPerSecond());
        figures.put(figure.apply(Figure.Beside.INGEST_POST_P50), percentile(ingestPosts, P50.quantile));
        figures.put(figure.apply(Figure.Beside.INGEST_POST_P99), percentile(ingestPosts, P99.quantile));

        log.info("{}: {} messages/s for {} s", design, BESIDE_RATE, BESIDE_SECONDS);
        expo.reset();
        Load.Outcome open =
                load.openLoop(BESIDE_RATE, Duration.ofSeconds(BESIDE_SECONDS), run * 10L + BESIDE_RATE, Map.of());
        awaitNotifications(expo, open.expectedNotifications.get());
        List<Double> openPosts = sorted(open.postMillis);
        List<Double> endToEnd = sorted(endToEndMillis(open, expo.notifications()));
        figures.put(figure.apply(Figure.Beside.OPEN_LOOP_POST_P50), percentile(openPosts, P50.quantile));
        figures.put(figure.apply(Figure.Beside.OPEN_LOOP_POST_P99), percentile(openPosts, P99.quantile));
        figures.put(figure.apply(Figure.Beside.OPEN_LOOP_END_TO_END_P50), percentile(endToEnd, P50.quantile));
        figures.put(figure.apply(Figure.Beside.OPEN_LOOP_END_TO_END_P99), percentile(endToEnd, P99.quantile));

        if (design == Figure.Design.PUSHPIPE) {
            switchClientLimitOff(pipeline, load, run * 37L);
        }
        log.info("{}: {} messages from {} clients", design, BESIDE_MESSAGES, BESIDE_CLIENTS);
        expo.reset();
        Load.Outcome capacity = load.closedLoop(BESIDE_CLIENTS, BESIDE_MESSAGES, run * 31L);
        awaitNotifications(expo, capacity.expectedNotifications.get());
        figures.put(figure.apply(Figure.Beside.CAPACITY_PER_SECOND), rate(expo.notifications()));
    }

    private void recovery(Pipeline pipeline, Load load, Map<Figure, Double> figures, int run)
            throws InterruptedException {
        switchClientLimitOff(pipeline, load, run * 41L);
        ExpoSandbox expo = pipeline.expo();
        expo.reset();
        AtomicReference<Instant> outageEnded = new AtomicReference<>();
        Load.Outcome outcome = load.openLoop(
                300,
                Duration.ofSeconds(30),
                run * 7L,
                Map.of(
                        10,
                        () -> {
                            log.info("Expo outage starts (HTML 503s)");
                            expo.outage(true);
                        },
                        20,
                        () -> {
                            expo.outage(false);
                            outageEnded.set(Instant.now());
                            log.info("Expo outage ends");
                        }));
        awaitNotifications(expo, outcome.expectedNotifications.get());
        List<ReceivedNotification> received = expo.notifications();
        Set<String> distinct = new HashSet<>();
        Instant lastOfBacklog = outageEnded.get();
        for (ReceivedNotification notification : received) {
            String messageId = messageId(notification);
            Instant posted = outcome.postedAt.get(messageId);
            if (posted == null) {
                continue;
            }
            distinct.add(messageId + notification.to());
            if (posted.isBefore(outageEnded.get()) && notification.receivedAt().isAfter(lastOfBacklog)) {
                lastOfBacklog = notification.receivedAt();
            }
        }
        figures.put(Figure.RECOVERY_LOST, (double) (outcome.expectedNotifications.get() - distinct.size()));
        figures.put(Figure.RECOVERY_DUPLICATED, (double) (received.size() - distinct.size()));
        figures.put(
                Figure.RECOVERY_DRAIN_SECONDS,
                Duration.between(outageEnded.get(), lastOfBacklog).toMillis() / 1000.0);
    }

    private void capacity(Pipeline pipeline, int instances, Map<Figure, Double> figures, int run) {
        pipeline.stopNotificationServices();
        long expected = pipeline.publishBacklog(options.backlog(), run * 31L + instances);
        pipeline.expo().reset();
        pipeline.startNotificationServices(instances, NO_CLIENT_LIMIT);
        clientLimitOff = false;
        awaitNotifications(pipeline.expo(), expected);
        figures.put(Figure.capacityPerSecond(instances), rate(pipeline.expo().notifications()));
        figures.put(Figure.capacityNotifications(instances), (double) expected);
    }

    /**
     * Every cell of the matrix at Expo's limit: fresh notification-service instances in their default
     * configuration, the sandbox allowing {@code --expo-limit} notifications per second and answering after
     * the cell's latency, warmed up ({@link #LIMIT_WARM_UP_RATE}), and {@code --limit-messages} messages
     * posted through the API in an open loop at {@code --limit-post-rate} per second. Afterwards the sandbox and the one instance are as the other scenarios expect.
     */
    private void atExpoLimit(Pipeline pipeline, Load load, Map<Figure, Double> figures, int run)
            throws InterruptedException {
        ExpoSandbox expo = pipeline.expo();
        for (int instances : options.limitInstances()) {
            for (int latencyMillis : options.limitLatenciesMillis()) {
                pipeline.stopNotificationServices();
                expo.reset();
                expo.rateLimitPerSecond(options.expoLimit());
                expo.latency(Duration.ofMillis(latencyMillis));
                pipeline.startNotificationServices(instances);
                awaitQuiet(
                        pipeline,
                        load.openLoop(
                                LIMIT_WARM_UP_RATE,
                                LIMIT_WARM_UP,
                                run * 59L + instances * 1000L + latencyMillis,
                                Map.of()));
                expo.reset();
                log.info(
                        "At Expo's limit: {} instance(s), Expo answering after {} ms, {} messages",
                        instances,
                        latencyMillis,
                        options.limitMessages());
                Map<ProcessKind, Double> cpuBefore = CpuTime.snapshot(pipeline);
                Load.Outcome outcome = load.openLoop(
                        options.limitPostRate(),
                        Duration.ofMillis(1000L * options.limitMessages() / options.limitPostRate()),
                        run * 53L + instances * 1000L + latencyMillis,
                        Map.of());
                Instant postingEnded = Instant.now();
                Map<ProcessKind, Double> cpuAfter = CpuTime.snapshot(pipeline);
                log.info(
                        "CPU seconds while posting, per process kind: {}",
                        Arrays.stream(ProcessKind.values())
                                .map(kind -> kind + " " + cpuSeconds(cpuBefore, cpuAfter, kind))
                                .toList());
                long expected = outcome.expectedNotifications.get();
                awaitDelivered(expo, outcome);
                List<ReceivedNotification> received = expo.notifications();
                long distinct = delivered(outcome, received);
                IntSummaryStatistics rejected = expo.rejectedPerSecond().values().stream()
                        .mapToInt(Integer::intValue)
                        .summaryStatistics();
                long busiest = expo.busiestSecond().values().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0);
                Function<Figure.AtExpoLimit, Figure> figure =
                        measure -> Figure.atExpoLimit(instances, latencyMillis, measure);
                figures.put(figure.apply(Figure.AtExpoLimit.DELIVERED_PER_SECOND), rate(received));
                figures.put(
                        figure.apply(Figure.AtExpoLimit.DELIVERED_PER_SECOND_ONCE_POSTED),
                        rateSince(postingEnded, received));
                figures.put(figure.apply(Figure.AtExpoLimit.TOO_MANY_REQUESTS), (double) rejected.getSum());
                figures.put(figure.apply(Figure.AtExpoLimit.TOO_MANY_REQUESTS_PEAK), (double)
                        Math.max(0, rejected.getMax()));
                figures.put(figure.apply(Figure.AtExpoLimit.LOST), (double) (expected - distinct));
                figures.put(figure.apply(Figure.AtExpoLimit.BUSIEST_SECOND), (double) busiest);
                logSeconds(outcome, received, expo.rejectedPerSecond(), pipeline.notificationServices());
                logIdleBudget(expo.requests(), options.expoLimit());
                percentiles(
                        figures,
                        percentile -> Figure.atExpoLimit(instances, latencyMillis, percentile),
                        endToEndMillis(outcome, received));
            }
        }
        pipeline.stopNotificationServices();
        expo.rateLimitPerSecond(0);
        expo.latency(Duration.ofMillis(options.expoLatencyMillis()));
        pipeline.startNotificationServices(1);
        clientLimitOff = false;
    }

    /**
     * For the scenarios that measure more than Expo allows (capacity through the API, recovery): one fresh
     * notification-service with the client limit off, warmed up by 64 clients for 10 s. Kept until a scenario
     * starts instances of its own.
     */
    private void switchClientLimitOff(Pipeline pipeline, Load load, long seed) throws InterruptedException {
        if (clientLimitOff) {
            return;
        }
        log.info("Restarting notification-service with the client limit off");
        pipeline.stopNotificationServices();
        pipeline.startNotificationServices(1, NO_CLIENT_LIMIT);
        clientLimitOff = true;
        pipeline.expo().reset();
        awaitQuiet(pipeline, load.closedLoop(BESIDE_CLIENTS, Duration.ofSeconds(10), seed));
    }

    private static void memory(Pipeline pipeline, Map<Figure, Double> figures) {
        for (ServiceProcess process : pipeline.allProcesses()) {
            ProcessKind kind = process.name().startsWith("message")
                    ? ProcessKind.MESSAGE_SERVICE
                    : ProcessKind.NOTIFICATION_SERVICE;
            figures.merge(Figure.memoryRssMib(kind), process.peakRssMib(), Math::max);
            figures.merge(Figure.memoryHeapMib(kind), process.peakHeapMib(), Math::max);
        }
    }

    /** The time from the start of each message's POST to the sandbox receiving each of its pushes, in ms. */
    private static List<Double> endToEndMillis(Load.Outcome outcome, List<ReceivedNotification> received) {
        List<Double> endToEnd = new ArrayList<>();
        for (ReceivedNotification notification : received) {
            Instant posted = outcome.postedAt.get(messageId(notification));
            if (posted != null) {
                endToEnd.add(Duration.between(posted, notification.receivedAt()).toNanos() / 1e6);
            }
        }
        return endToEnd;
    }

    private static String messageId(ReceivedNotification notification) {
        return String.valueOf(notification.data().get("messageId"));
    }

    /** Notifications per second from the first to the last one received. */
    private static double rate(List<ReceivedNotification> received) {
        if (received.size() < 2) {
            return 0;
        }
        Instant first = received.get(0).receivedAt();
        Instant last = received.get(received.size() - 1).receivedAt();
        return received.size() / seconds(first, last);
    }

    /** Notifications per second received from {@code since} to the last one. */
    private static double rateSince(Instant since, List<ReceivedNotification> received) {
        if (received.isEmpty()) {
            return 0;
        }
        Instant last = received.get(received.size() - 1).receivedAt();
        long after = received.stream()
                .filter(notification -> notification.receivedAt().isAfter(since))
                .count();
        return last.isAfter(since) ? after / seconds(since, last) : 0;
    }

    /** CPU seconds a kind of process used between two snapshots, to a tenth. */
    private static double cpuSeconds(
            Map<ProcessKind, Double> before, Map<ProcessKind, Double> after, ProcessKind process) {
        return Math.round((after.get(process) - before.get(process)) * 10) / 10.0;
    }

    private static List<Double> sorted(Collection<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted;
    }

    private static void percentiles(
            Map<Figure, Double> figures, Function<Figure.Percentile, Figure> figure, Collection<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        for (Figure.Percentile percentile : Figure.Percentile.values()) {
            figures.put(figure.apply(percentile), percentile(sorted, percentile.quantile));
        }
    }

    static double percentile(List<Double> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static void awaitNotifications(ExpoSandbox expo, long expected) {
        Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
        while (expo.notificationCount() < expected && Instant.now().isBefore(deadline)) {
            ServiceProcess.sleep(Duration.ofMillis(100));
        }
        if (expo.notificationCount() < expected) {
            log.warn(
                    "Only {} of {} notifications arrived within {}", expo.notificationCount(), expected, DRAIN_TIMEOUT);
        }
    }

    /**
     * Waits until every push of the posted messages has arrived, counting each (message, device) once and
     * nothing else the sandbox receives.
     */
    /**
     * Logs a cell's pushes and 429s by the second they arrived in, counted from the first POST, and the
     * requests each instance booked again because they woke up too late: where a cell's rate went.
     */
    private static void logSeconds(
            Load.Outcome outcome,
            List<ReceivedNotification> received,
            SortedMap<Instant, Integer> rejected,
            List<ServiceProcess> instances) {
        Instant firstPost = outcome.postedAt.values().stream()
                .min(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        Map<Long, Long> pushes = new TreeMap<>();
        received.forEach(push ->
                pushes.merge(Duration.between(firstPost, push.receivedAt()).toSeconds(), 1L, Long::sum));
        Map<Long, Integer> tooMany = new TreeMap<>();
        rejected.forEach((second, count) ->
                tooMany.merge(Duration.between(firstPost, second).toSeconds(), count, Integer::sum));
        log.info(
                "By the second from the first POST (posting took {} s): pushes {}, 429s {}, late starts per"
                        + " instance {}",
                Math.round(outcome.seconds),
                pushes,
                tooMany,
                instances.stream()
                        .map(instance -> Metrics.scrape(instance).getOrDefault("pushpipe_expo_late_starts_total", 0.0))
                        .toList());
    }

    /**
     * How much of Expo's limit the cell left unused while requests were being sent: the time from the first
     * accepted request to the last beyond what the pushes before the last take at the limit; the longest
     * stretches between two accepted requests beyond the earlier one's share of a second ({@code recipients
     * / limit}) and when they began (seconds after the first request, whose time of day
     * is logged, to be found in the services' logs); and how many recipients the requests carried on
     * average.
     */
    private static void logIdleBudget(List<ReceivedRequest> requests, int limit) {
        List<ReceivedRequest> accepted = requests.stream()
                .filter(request -> request.status() == 200 && request.recipients() > 0)
                .sorted(Comparator.comparing(ReceivedRequest::receivedAt))
                .toList();
        if (accepted.isEmpty()) {
            return;
        }
        Instant first = accepted.get(0).receivedAt();
        ReceivedRequest last = accepted.get(accepted.size() - 1);
        long recipientsBeforeLast =
                accepted.stream().mapToLong(ReceivedRequest::recipients).sum() - last.recipients();
        double idleSeconds = seconds(first, last.receivedAt()) - (double) recipientsBeforeLast / limit;
        List<Idle> idleStretches = new ArrayList<>();
        for (int i = 1; i < accepted.size(); i++) {
            ReceivedRequest before = accepted.get(i - 1);
            double gap = seconds(before.receivedAt(), accepted.get(i).receivedAt());
            double idle = Math.max(0, gap - (double) before.recipients() / limit);
            idleStretches.add(new Idle(Math.round(idle * 1000), seconds(first, before.receivedAt())));
        }
        idleStretches.sort(Comparator.comparingLong(Idle::millis).reversed());
        log.info(
                "Expo requests from {}: {} accepted, {} recipients each on average; limit unused from first to last {} s,"
                        + " longest idle stretches {}",
                first,
                accepted.size(),
                Math.round(accepted.stream()
                        .mapToInt(ReceivedRequest::recipients)
                        .average()
                        .orElse(0)),
                Math.round(idleSeconds * 100) / 100.0,
                idleStretches.subList(0, Math.min(10, idleStretches.size())));
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    /** Expo's limit left unused for {@code millis}, from {@code afterSeconds} after the cell's first request. */
    private record Idle(long millis, double afterSeconds) {

        @Override
        public String toString() {
            return millis + " ms at " + String.format(Locale.ROOT, "%.2f", afterSeconds) + " s";
        }
    }

    private static void awaitDelivered(ExpoSandbox expo, Load.Outcome outcome) {
        long expected = outcome.expectedNotifications.get();
        Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
        while (delivered(outcome, expo.notifications()) < expected
                && Instant.now().isBefore(deadline)) {
            ServiceProcess.sleep(Duration.ofMillis(500));
        }
    }

    /** The distinct (message, device) pairs received for the posted messages. */
    private static long delivered(Load.Outcome outcome, List<ReceivedNotification> received) {
        return received.stream()
                .filter(notification -> outcome.postedAt.containsKey(messageId(notification)))
                .map(notification -> messageId(notification) + notification.to())
                .distinct()
                .count();
    }

    /**
     * Waits until the pushes of a warm-up's messages have arrived (at Expo's limit that can take a minute), and
     * then until nothing more arrives for 2 s.
     */
    private static void awaitQuiet(Pipeline pipeline, Load.Outcome warmUp) {
        awaitNotifications(pipeline.expo(), warmUp.expectedNotifications.get());
        int before = -1;
        while (before != pipeline.expo().notificationCount()) {
            before = pipeline.expo().notificationCount();
            ServiceProcess.sleep(Duration.ofSeconds(2));
        }
    }

    /**
     * @param runs how many times every scenario runs; the report gives the medians
     * @param backlog events in Kafka for the capacity scenarios
     * @param candidates candidates, each with 1 or 2 devices ({@link Pipeline#MAX_DEVICES})
     * @param seconds how long each ingest scenario posts (the latency ones at least 20 s)
     * @param warmUpSeconds how long 64 clients post before the first scenario, so that the JIT has compiled
     *     the hot paths
     * @param expoLatencyMillis how long the Expo sandbox takes to answer every request
     * @param expoLimit the notifications per second the sandbox allows in the scenario at Expo's limit
     * @param limitInstances how many notification-service instances the scenario at Expo's limit runs with, one
     *     cell of its matrix each
     * @param limitLatenciesMillis how long the sandbox takes to answer in the scenario at Expo's limit, one cell
     *     of its matrix each with every instance count
     * @param limitMessages messages each cell at Expo's limit posts (about 1.5 notifications each)
     * @param limitPostRate messages per second each cell at Expo's limit posts them at: about 1.35 times as many
     *     pushes per second as Expo takes, so that a backlog builds, while posting leaves the two cores room
     *     to deliver
     * @param scenarios which scenarios run
     * @param jfr whether every service JVM records a JFR profile into {@code bench/target/logs/run-N}
     */
    record Options(
            int runs,
            int backlog,
            int candidates,
            int seconds,
            int warmUpSeconds,
            int expoLatencyMillis,
            int expoLimit,
            List<Integer> limitInstances,
            List<Integer> limitLatenciesMillis,
            int limitMessages,
            int limitPostRate,
            Set<String> scenarios,
            boolean jfr) {

        boolean runs(String scenario) {
            return scenarios.contains(scenario);
        }

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--jfr")) {
                    given.put("jfr", "true");
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    given.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("Unknown argument " + args[i] + ". Usage:\n" + USAGE);
                }
            }
            return new Options(
                    Integer.parseInt(given.getOrDefault("runs", "3")),
                    Integer.parseInt(given.getOrDefault("backlog", "100000")),
                    Integer.parseInt(given.getOrDefault("candidates", "5000")),
                    Integer.parseInt(given.getOrDefault("seconds", "15")),
                    Integer.parseInt(given.getOrDefault("warm-up", "60")),
                    Integer.parseInt(given.getOrDefault("expo-latency-ms", "0")),
                    Integer.parseInt(given.getOrDefault("expo-limit", "600")),
                    integers(given.getOrDefault("limit-instances", "1,3")),
                    integers(given.getOrDefault("limit-latencies-ms", "0,250,500")),
                    Integer.parseInt(given.getOrDefault("limit-messages", "10000")),
                    Integer.parseInt(given.getOrDefault("limit-post-rate", "540")),
                    Set.of(given.getOrDefault("scenarios", "ingest,latency,naive,recovery,capacity,limit")
                            .split(",")),
                    Boolean.parseBoolean(given.getOrDefault("jfr", "false")));
        }

        private static List<Integer> integers(String commaSeparated) {
            return Arrays.stream(commaSeparated.split(","))
                    .map(String::trim)
                    .map(Integer::valueOf)
                    .toList();
        }
    }
}
