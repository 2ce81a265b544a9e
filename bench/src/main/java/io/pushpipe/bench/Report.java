package io.pushpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import tools.jackson.databind.json.JsonMapper;

/** The table: every figure's median over the runs, each run's value, and the target it must reach. */
final class Report {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The figures the README reports, in order, with their targets. */
    private static final List<Row> ROWS = List.of(
            new Row("Ingest, 16 clients", "requests/s", "ingest_c16_rps", null, null),
            new Row(
                    "Ingest, 16 clients",
                    "POST p50 / p95 / p99 ms",
                    "ingest_c16_p50",
                    "ingest_c16_p95",
                    "ingest_c16_p99"),
            new Row("Ingest, 64 clients", "requests/s", "ingest_c64_rps", "≥ 3,500", v -> v >= 3500),
            new Row(
                    "Ingest, 64 clients",
                    "POST p50 / p95 / p99 ms",
                    "ingest_c64_p50",
                    "ingest_c64_p95",
                    "ingest_c64_p99"),
            new Row("Ingest, 64 clients", "POST p99 ms", "ingest_c64_p99", "≤ 50", v -> v <= 50),
            new Row(
                    "Ingest, 64 clients",
                    "CPU ms per message, post to push: message-service / notification-service / PostgreSQL /"
                            + " bench JVM (Kafka, sandbox, load generator)",
                    "ingest_c64_cpu_ms_message_service",
                    "ingest_c64_cpu_ms_notification_service",
                    "ingest_c64_cpu_ms_postgres",
                    "ingest_c64_cpu_ms_bench"),
            new Row(
                    "End to end, 100 msg/s",
                    "p50 / p95 / p99 / max ms",
                    "e2e_r100_p50",
                    "e2e_r100_p95",
                    "e2e_r100_p99",
                    "e2e_r100_max"),
            new Row(
                    "End to end, 300 msg/s",
                    "p50 / p95 / p99 / max ms",
                    "e2e_r300_p50",
                    "e2e_r300_p95",
                    "e2e_r300_p99",
                    "e2e_r300_max"),
            new Row("End to end, 300 msg/s", "p50 ms", "e2e_r300_p50", "≤ 15", v -> v <= 15),
            new Row("End to end, 300 msg/s", "p99 ms", "e2e_r300_p99", "≤ 50", v -> v <= 50),
            new Row(
                    "End to end, 300 msg/s",
                    "where the time goes: relay commit→ack / listener batch / Expo request ms, events per batch",
                    "e2e_r300_relay_ms",
                    "e2e_r300_listener_ms",
                    "e2e_r300_expo_ms",
                    "e2e_r300_batch_events"),
            new Row(
                    "End to end, 1000 msg/s",
                    "p50 / p95 / p99 / max ms",
                    "e2e_r1000_p50",
                    "e2e_r1000_p95",
                    "e2e_r1000_p99",
                    "e2e_r1000_max"),
            new Row("End to end, 1000 msg/s", "messages/s achieved", "e2e_r1000_achieved_rps", null, null),
            new Row(
                    "Delivery capacity, 1 instance",
                    "notifications/s",
                    "capacity_1_per_second",
                    "≥ 10,000",
                    v -> v >= 10000),
            new Row("Delivery capacity, 2 instances", "notifications/s", "capacity_2_per_second", null, null),
            new Row("Delivery capacity, 3 instances", "notifications/s", "capacity_3_per_second", null, null),
            new Row("At Expo's limit (600/s)", "notifications/s", "limit_per_second", "≥ 570", v -> v >= 570),
            new Row("At Expo's limit (600/s)", "429s received", "limit_429s", "0", v -> v == 0),
            new Row("Recovery, 10 s outage at 300 msg/s", "notifications lost", "recovery_lost", "0", v -> v == 0),
            new Row(
                    "Recovery, 10 s outage at 300 msg/s",
                    "notifications duplicated",
                    "recovery_duplicated",
                    "0",
                    v -> v == 0),
            new Row(
                    "Recovery, 10 s outage at 300 msg/s",
                    "s from outage end to backlog drained",
                    "recovery_drain_seconds",
                    "≤ 10",
                    v -> v <= 10),
            new Row(
                    "Memory, message-service",
                    "peak RSS / heap MiB",
                    "memory_message_service_rss_mib",
                    "memory_message_service_heap_mib"),
            new Row(
                    "Memory, notification-service (largest instance)",
                    "peak RSS / heap MiB",
                    "memory_notification_service_rss_mib",
                    "memory_notification_service_heap_mib"));

    private Report() {}

    static void write(Path directory, Benchmark.Options options, List<Map<String, Double>> runs) throws IOException {
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
                .append(" events for capacity, ")
                .append(String.format(Locale.ROOT, "%,d", options.limitBacklog()))
                .append(" at Expo's limit; ")
                .append(String.format(Locale.ROOT, "%,d", options.candidates()))
                .append(" candidates with 1 to 3 devices each; Expo sandbox answering after ")
                .append(options.expoLatencyMillis())
                .append(" ms, allowing ")
                .append(String.format(Locale.ROOT, "%,d", options.expoLimit()))
                .append("/s at Expo's limit\n\n");
        markdown.append("| scenario | figure | median | runs | target | met |\n|---|---|---|---|---|---|\n");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("options", options);
        json.put("runs", runs);
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Row row : ROWS) {
            List<String> median = new ArrayList<>();
            List<String> each = new ArrayList<>();
            for (String key : row.keys()) {
                List<Double> values = runs.stream()
                        .map(run -> run.get(key))
                        .filter(v -> v != null)
                        .toList();
                double m = median(values);
                medians.put(key, m);
                median.add(format(m));
                each.add(values.stream()
                        .map(Report::format)
                        .reduce((a, b) -> a + ", " + b)
                        .orElse(""));
            }
            String met = Optional.ofNullable(row.meets())
                    .map(test -> test.test(medians.get(row.keys().get(0))) ? "✅" : "❌")
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
        json.put("medians", medians);
        Files.writeString(directory.resolve("benchmark.md"), markdown.toString());
        Files.writeString(
                directory.resolve("benchmark.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
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
     * @param keys one figure, or several shown as a / b / c
     * @param target what it must reach; null when the issue sets none
     * @param meets whether the (first) median reaches the target
     */
    private record Row(String scenario, String figure, List<String> keys, String target, DoublePredicate meets) {

        Row(String scenario, String figure, String key, String target, DoublePredicate meets) {
            this(scenario, figure, List.of(key), target, meets);
        }

        Row(String scenario, String figure, String... keys) {
            this(scenario, figure, List.of(keys), null, null);
        }
    }
}
