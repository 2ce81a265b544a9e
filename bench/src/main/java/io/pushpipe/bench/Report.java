package io.pushpipe.bench;

import static io.pushpipe.bench.Figure.EndToEnd.ACHIEVED_RPS;
import static io.pushpipe.bench.Figure.EndToEnd.BATCH_EVENTS;
import static io.pushpipe.bench.Figure.EndToEnd.CONSUME_LAG_MS;
import static io.pushpipe.bench.Figure.EndToEnd.EXPO_MS;
import static io.pushpipe.bench.Figure.EndToEnd.LISTENER_MS;
import static io.pushpipe.bench.Figure.EndToEnd.MAX;
import static io.pushpipe.bench.Figure.EndToEnd.PICKUP_MS;
import static io.pushpipe.bench.Figure.EndToEnd.RELAY_MS;
import static io.pushpipe.bench.Figure.Percentile.P50;
import static io.pushpipe.bench.Figure.Percentile.P99;
import static io.pushpipe.bench.Figure.RECOVERY_DRAIN_SECONDS;
import static io.pushpipe.bench.Figure.RECOVERY_DUPLICATED;
import static io.pushpipe.bench.Figure.RECOVERY_LOST;
import static io.pushpipe.bench.Figure.atExpoLimit;
import static io.pushpipe.bench.Figure.capacityPerSecond;
import static io.pushpipe.bench.Figure.endToEnd;
import static io.pushpipe.bench.Figure.ingestCpuMs;
import static io.pushpipe.bench.Figure.ingestPost;
import static io.pushpipe.bench.Figure.ingestRequestsPerSecond;
import static io.pushpipe.bench.Figure.memoryHeapMib;
import static io.pushpipe.bench.Figure.memoryRssMib;

import io.pushpipe.bench.Figure.AtExpoLimit;
import io.pushpipe.bench.Figure.Beside;
import io.pushpipe.bench.Figure.Design;
import io.pushpipe.bench.Figure.Percentile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.DoublePredicate;
import tools.jackson.databind.json.JsonMapper;

/** The table: every figure's median over the runs, each run's value, and the target it must reach. */
final class Report {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The figures the README reports before those at Expo's limit, in order, with their targets. */
    private static final List<Row> BEFORE_LIMIT = List.of(
            new Row("Ingest, 16 clients", "requests/s", ingestRequestsPerSecond(16), null, null),
            new Row("Ingest, 16 clients", "POST p50 / p95 / p99 ms", postPercentiles(16)),
            new Row("Ingest, 64 clients", "requests/s", ingestRequestsPerSecond(64), "≥ 3,500", v -> v >= 3500),
            new Row("Ingest, 64 clients", "POST p50 / p95 / p99 ms", postPercentiles(64)),
            new Row("Ingest, 64 clients", "POST p99 ms", ingestPost(64, P99), "≤ 50", v -> v <= 50),
            new Row(
                    "Ingest, 64 clients",
                    "CPU ms per message, post to push: message-service / notification-service / PostgreSQL /"
                            + " Kafka / bench JVM (sandbox, load generator)",
                    Arrays.stream(ProcessKind.values())
                            .map(process -> ingestCpuMs(64, process))
                            .toList()),
            new Row("End to end, 100 msg/s", "p50 / p95 / p99 / max ms", endToEndPercentilesAndMax(100)),
            new Row("End to end, 300 msg/s", "p50 / p95 / p99 / max ms", endToEndPercentilesAndMax(300)),
            new Row("End to end, 300 msg/s", "p50 ms", endToEnd(300, P50), "≤ 15", v -> v <= 15),
            new Row("End to end, 300 msg/s", "p99 ms", endToEnd(300, P99), "≤ 50", v -> v <= 50),
            new Row(
                    "End to end, 300 msg/s",
                    "where the time goes, means: insert→relay reads it / insert→broker ack / relay send→consumer"
                            + " batch starts / listener batch / Expo request ms, events per batch",
                    List.of(
                            endToEnd(300, PICKUP_MS),
                            endToEnd(300, RELAY_MS),
                            endToEnd(300, CONSUME_LAG_MS),
                            endToEnd(300, LISTENER_MS),
                            endToEnd(300, EXPO_MS),
                            endToEnd(300, BATCH_EVENTS))),
            new Row("End to end, 1000 msg/s", "p50 / p95 / p99 / max ms", endToEndPercentilesAndMax(1000)),
            new Row("End to end, 1000 msg/s", "messages/s achieved", endToEnd(1000, ACHIEVED_RPS), null, null),
            new Row(
                    "Delivery engine alone (events put into Kafka, client limit off), 1 instance",
                    "notifications/s",
                    capacityPerSecond(1),
                    "≥ 10,000",
                    v -> v >= 10000),
            new Row(
                    "Delivery engine alone (events put into Kafka, client limit off), 2 instances",
                    "notifications/s",
                    capacityPerSecond(2),
                    null,
                    null),
            new Row(
                    "Delivery engine alone (events put into Kafka, client limit off), 3 instances",
                    "notifications/s",
                    capacityPerSecond(3),
                    null,
                    null));

    /** The figures the README reports after those at Expo's limit. */
    private static final List<Row> AFTER_LIMIT = List.of(
            new Row(
                    "Recovery, 10 s outage at 300 msg/s, client limit off",
                    "notifications lost",
                    RECOVERY_LOST,
                    "0",
                    v -> v == 0),
            new Row(
                    "Recovery, 10 s outage at 300 msg/s, client limit off",
                    "notifications duplicated",
                    RECOVERY_DUPLICATED,
                    "0",
                    v -> v == 0),
            new Row(
                    "Recovery, 10 s outage at 300 msg/s, client limit off",
                    "s from outage end to backlog drained",
                    RECOVERY_DRAIN_SECONDS,
                    "≤ 10",
                    v -> v <= 10),
            new Row("Memory, message-service", "peak RSS / heap MiB", memory(ProcessKind.MESSAGE_SERVICE)),
            new Row(
                    "Memory, notification-service (largest instance)",
                    "peak RSS / heap MiB",
                    memory(ProcessKind.NOTIFICATION_SERVICE)));

    private static final String INGEST = "Ingest, " + Benchmark.BESIDE_CLIENTS + " clients";
    private static final String OPEN_LOOP =
            "Open loop, " + Benchmark.BESIDE_RATE + " msg/s for " + Benchmark.BESIDE_SECONDS + " s";
    private static final String CAPACITY = String.format(
            Locale.ROOT,
            "Capacity through the API, %,d messages from %d clients, sandbox limit off",
            Benchmark.BESIDE_MESSAGES,
            Benchmark.BESIDE_CLIENTS);

    /** The scenario {@code naive}: the headline figures of both designs, with the targets. */
    private static final List<Versus> BESIDE_NAIVE = List.of(
            new Versus(
                    INGEST,
                    "requests/s",
                    Beside.INGEST_RPS,
                    "pushpipe ≥ naive",
                    (naive, pushpipe) -> pushpipe >= naive),
            new Versus(INGEST, "POST p50 ms", Beside.INGEST_POST_P50, null, null),
            new Versus(INGEST, "POST p99 ms", Beside.INGEST_POST_P99, null, null),
            new Versus(OPEN_LOOP, "POST p50 ms", Beside.OPEN_LOOP_POST_P50, null, null),
            new Versus(
                    OPEN_LOOP,
                    "POST p99 ms",
                    Beside.OPEN_LOOP_POST_P99,
                    "pushpipe ≤ 2 × naive",
                    (naive, pushpipe) -> pushpipe <= 2 * naive),
            new Versus(
                    OPEN_LOOP,
                    "POST start → sandbox receipt p50 ms",
                    Beside.OPEN_LOOP_END_TO_END_P50,
                    "pushpipe ≤ 15",
                    (naive, pushpipe) -> pushpipe <= 15),
            new Versus(
                    OPEN_LOOP,
                    "POST start → sandbox receipt p99 ms",
                    Beside.OPEN_LOOP_END_TO_END_P99,
                    "pushpipe ≤ 50",
                    (naive, pushpipe) -> pushpipe <= 50),
            new Versus(
                    CAPACITY,
                    "delivered/s, first push to last (pushpipe: client limit off)",
                    Beside.CAPACITY_PER_SECOND,
                    "pushpipe ≥ 2 × naive",
                    (naive, pushpipe) -> pushpipe >= 2 * naive));

    private Report() {}

    static void write(Path directory, Benchmark.Options options, List<Map<Figure, Double>> runs) throws IOException {
        Files.createDirectories(directory);
        String machine = Machine.describe();
        StringBuilder markdown = new StringBuilder();
        markdown.append("Machine: ").append(machine).append("  \n");
        markdown.append("Runs: ")
                .append(runs.size())
                .append(" (medians; every run's value in brackets), ")
                .append(Instant.now())
                .append("  \n");
        markdown.append("Backlog: ")
                .append(String.format(Locale.ROOT, "%,d", options.backlog()))
                .append(" events for capacity; ")
                .append(String.format(Locale.ROOT, "%,d", options.limitMessages()))
                .append(" messages posted by 64 clients at Expo's limit; ")
                .append(String.format(Locale.ROOT, "%,d", options.candidates()))
                .append(
                        " candidates with 1 or 2 devices each; notification-service in its default configuration (Expo's limit of 600/s, shared) unless a row says otherwise; Expo sandbox answering after ")
                .append(options.expoLatencyMillis())
                .append(" ms, allowing ")
                .append(String.format(Locale.ROOT, "%,d", options.expoLimit()))
                .append("/s at Expo's limit\n");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("options", options);
        json.put("runs", runs.stream().map(Report::byKey).toList());
        Map<Figure, Double> medians = new LinkedHashMap<>();
        if (options.runs("naive")) {
            markdown.append(besideNaiveDesign(runs, medians));
        }
        markdown.append("\n| scenario | figure | median | runs | target | met |\n|---|---|---|---|---|---|\n");
        for (Row row : rows(options)) {
            List<String> median = new ArrayList<>();
            List<String> each = new ArrayList<>();
            for (Figure figure : row.figures()) {
                List<Double> values = runs.stream()
                        .map(run -> run.get(figure))
                        .filter(v -> v != null)
                        .toList();
                double m = median(values);
                medians.put(figure, m);
                median.add(format(m));
                each.add(values.stream()
                        .map(Report::format)
                        .reduce((a, b) -> a + ", " + b)
                        .orElse(""));
            }
            String met = Optional.ofNullable(row.meets())
                    .map(test -> test.test(medians.get(row.figures().get(0))) ? "✅" : "❌")
                    .orElse("");
            markdown.append("| ")
                    .append(row.scenario())
                    .append(" | ")
                    .append(row.figure())
                    .append(" | ")
                    .append(String.join(" / ", median))
                    .append(" | ")
                    .append(each.size() == 1 ? each.get(0) : "[" + String.join("] / [", each) + "]")
                    .append(" | ")
                    .append(Optional.ofNullable(row.target()).orElse(""))
                    .append(" | ")
                    .append(met)
                    .append(" |\n");
        }
        json.put("medians", byKey(medians));
        Files.writeString(directory.resolve("benchmark.md"), markdown.toString());
        Files.writeString(
                directory.resolve("benchmark.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    /**
     * The second table: for each figure the naive design's median and pushpipe's, each run's value in brackets
     * when there are several, and the ratio of the medians. Adds the medians to {@code medians}.
     */
    private static String besideNaiveDesign(List<Map<Figure, Double>> runs, Map<Figure, Double> medians) {
        StringBuilder markdown = new StringBuilder("\nBeside the naive design (module naive-design: the seed's"
                + " design in its own JVM, inserting, answering, then one Expo request per message, 6 in flight, no"
                + " retries), measured in the same run on the same PostgreSQL, sandbox and candidates; pushpipe on"
                + " the run's pipeline in its default configuration (for capacity, its client limit off), idle while"
                + " the naive design is measured\n\n");
        markdown.append("| scenario | figure | naive design | pushpipe | pushpipe ÷ naive | target | met |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Versus row : BESIDE_NAIVE) {
            Figure naive = Figure.beside(Design.NAIVE, row.measure());
            Figure pushpipe = Figure.beside(Design.PUSHPIPE, row.measure());
            double naiveMedian = median(valuesOf(runs, naive));
            double pushpipeMedian = median(valuesOf(runs, pushpipe));
            medians.put(naive, naiveMedian);
            medians.put(pushpipe, pushpipeMedian);
            double ratio = pushpipeMedian / naiveMedian;
            String met = row.meets() == null || Double.isNaN(naiveMedian) || Double.isNaN(pushpipeMedian)
                    ? ""
                    : row.meets().test(naiveMedian, pushpipeMedian) ? "✅" : "❌";
            markdown.append("| ")
                    .append(row.scenario())
                    .append(" | ")
                    .append(row.figure())
                    .append(" | ")
                    .append(withRuns(naiveMedian, valuesOf(runs, naive)))
                    .append(" | ")
                    .append(withRuns(pushpipeMedian, valuesOf(runs, pushpipe)))
                    .append(" | ")
                    .append(Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "–")
                    .append(" | ")
                    .append(Optional.ofNullable(row.target()).orElse(""))
                    .append(" | ")
                    .append(met)
                    .append(" |\n");
        }
        return markdown.toString();
    }

    private static List<Double> valuesOf(List<Map<Figure, Double>> runs, Figure figure) {
        return runs.stream().map(run -> run.get(figure)).filter(v -> v != null).toList();
    }

    private static String withRuns(double median, List<Double> values) {
        return values.size() < 2
                ? format(median)
                : format(median) + " ["
                        + String.join(", ", values.stream().map(Report::format).toList()) + "]";
    }

    private static List<Row> rows(Benchmark.Options options) {
        List<Row> rows = new ArrayList<>(BEFORE_LIMIT);
        for (int instances : options.limitInstances()) {
            for (int latencyMillis : options.limitLatenciesMillis()) {
                rows.addAll(atExpoLimitRows(instances, latencyMillis));
            }
        }
        rows.addAll(AFTER_LIMIT);
        return rows;
    }

    /** One cell of the matrix at Expo's limit; its targets are the for Expo's limit. */
    private static List<Row> atExpoLimitRows(int instances, int latencyMillis) {
        String scenario = "At Expo's limit, " + instances + (instances == 1 ? " instance" : " instances") + ", Expo "
                + latencyMillis + " ms";
        return List.of(
                new Row(
                        scenario,
                        "delivered/s",
                        atExpoLimit(instances, latencyMillis, AtExpoLimit.DELIVERED_PER_SECOND),
                        "≥ 570",
                        v -> v >= 570),
                new Row(
                        scenario,
                        "delivered/s once posting had ended (secondary: the backlog drained, cores not shared"
                                + " with ingest)",
                        atExpoLimit(instances, latencyMillis, AtExpoLimit.DELIVERED_PER_SECOND_ONCE_POSTED),
                        null,
                        null),
                new Row(
                        scenario,
                        "429s received: in all / in the worst second",
                        List.of(
                                atExpoLimit(instances, latencyMillis, AtExpoLimit.TOO_MANY_REQUESTS),
                                atExpoLimit(instances, latencyMillis, AtExpoLimit.TOO_MANY_REQUESTS_PEAK)),
                        "0",
                        v -> v == 0),
                new Row(
                        scenario,
                        "notifications lost",
                        atExpoLimit(instances, latencyMillis, AtExpoLimit.LOST),
                        null,
                        null),
                new Row(
                        scenario,
                        "end to end p50 / p95 / p99 ms",
                        Arrays.stream(Percentile.values())
                                .map(percentile -> atExpoLimit(instances, latencyMillis, percentile))
                                .toList()),
                new Row(
                        scenario,
                        "busiest rolling second, notifications",
                        atExpoLimit(instances, latencyMillis, AtExpoLimit.BUSIEST_SECOND),
                        null,
                        null));
    }

    /** The figures as {@code benchmark.json} names them, in the same order. */
    private static Map<String, Double> byKey(Map<Figure, Double> figures) {
        Map<String, Double> byKey = new LinkedHashMap<>();
        figures.forEach((figure, value) -> byKey.put(figure.key(), value));
        return byKey;
    }

    private static List<Figure> postPercentiles(int clients) {
        return Arrays.stream(Percentile.values())
                .map(percentile -> ingestPost(clients, percentile))
                .toList();
    }

    private static List<Figure> endToEndPercentilesAndMax(int rate) {
        List<Figure> figures = new ArrayList<>();
        for (Percentile percentile : Percentile.values()) {
            figures.add(endToEnd(rate, percentile));
        }
        figures.add(endToEnd(rate, MAX));
        return figures;
    }

    private static List<Figure> memory(ProcessKind service) {
        return List.of(memoryRssMib(service), memoryHeapMib(service));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 1000 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /**
     * A row of the table beside the naive design.
     *
     * @param measure the figure, measured for both designs
     * @param target what it must reach; null when the issue sets none
     * @param meets whether the medians (the naive design's, pushpipe's) reach the target
     */
    private record Versus(
            String scenario, String figure, Beside measure, String target, BiPredicate<Double, Double> meets) {}

    /**
     * @param figures one figure, or several shown as a / b / c
     * @param target what it must reach; null when the issue sets none
     * @param meets whether the (first) median reaches the target
     */
    private record Row(String scenario, String figure, List<Figure> figures, String target, DoublePredicate meets) {

        Row(String scenario, String figure, Figure one, String target, DoublePredicate meets) {
            this(scenario, figure, List.of(one), target, meets);
        }

        Row(String scenario, String figure, List<Figure> several) {
            this(scenario, figure, several, null, null);
        }
    }
}
