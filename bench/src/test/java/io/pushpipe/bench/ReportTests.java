package io.pushpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportTests {

    @TempDir
    Path results;

    @Test
    void aFigureRecordedByTheBenchmarkFillsItsCellAndKeepsItsNameInTheJson() throws Exception {
        Map<Figure, Double> run = Map.of(
                Figure.atExpoLimit(3, 250, Figure.AtExpoLimit.DELIVERED_PER_SECOND),
                571.0,
                Figure.atExpoLimit(3, 250, Figure.AtExpoLimit.TOO_MANY_REQUESTS),
                0.0,
                Figure.atExpoLimit(3, 250, Figure.AtExpoLimit.TOO_MANY_REQUESTS_PEAK),
                0.0,
                Figure.ingestPost(64, Figure.Percentile.P99),
                12.0);

        Report.write(results, Benchmark.Options.parse(new String[0]), List.of(run, run));

        assertThat(results.resolve("benchmark.md"))
                .content()
                .contains("| At Expo's limit, 3 instances, Expo 250 ms | delivered/s | 571 | 571, 571 | ≥ 570 | ✅ |")
                .contains(
                        "| At Expo's limit, 3 instances, Expo 250 ms | 429s received: in all / in the worst second | 0 / 0 |"
                                + " [0, 0] / [0, 0] | 0 | ✅ |")
                .contains("| Ingest, 64 clients | POST p99 ms | 12 | 12, 12 | ≤ 50 | ✅ |")
                .as("a figure no run recorded is a dash")
                .contains(
                        "| Recovery, 10 s outage at 300 msg/s, client limit off | notifications lost | – |  | 0 | ❌ |");
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(results.resolve("benchmark.json")));
        assertThat(json.path("medians")
                        .path("limit_i3_expo250ms_too_many_requests")
                        .asDouble())
                .isZero();
        assertThat(json.path("medians").path("ingest_c64_p99").asDouble()).isEqualTo(12);
        assertThat(json.path("runs")
                        .get(0)
                        .path("limit_i3_expo250ms_delivered_per_second")
                        .asDouble())
                .isEqualTo(571);
    }

    @Test
    void theNaiveDesignStandsBesidePushpipeWithTheRatioOfTheMediansAndTheIssuesTargets() throws Exception {
        Map<Figure, Double> first = Map.of(
                Figure.beside(Figure.Design.NAIVE, Figure.Beside.INGEST_RPS), 400.0,
                Figure.beside(Figure.Design.PUSHPIPE, Figure.Beside.INGEST_RPS), 900.0,
                Figure.beside(Figure.Design.NAIVE, Figure.Beside.CAPACITY_PER_SECOND), 250.0,
                Figure.beside(Figure.Design.PUSHPIPE, Figure.Beside.CAPACITY_PER_SECOND), 400.0);
        Map<Figure, Double> second = Map.of(
                Figure.beside(Figure.Design.NAIVE, Figure.Beside.INGEST_RPS), 500.0,
                Figure.beside(Figure.Design.PUSHPIPE, Figure.Beside.INGEST_RPS), 900.0,
                Figure.beside(Figure.Design.NAIVE, Figure.Beside.CAPACITY_PER_SECOND), 250.0,
                Figure.beside(Figure.Design.PUSHPIPE, Figure.Beside.CAPACITY_PER_SECOND), 400.0);

        Report.write(results, Benchmark.Options.parse(new String[0]), List.of(first, second));

        assertThat(results.resolve("benchmark.md"))
                .content()
                .contains("| Ingest, 64 clients | requests/s | 450 [400, 500] | 900 [900, 900] | 2.00 | pushpipe ≥"
                        + " naive | ✅ |")
                .contains("| Capacity through the API, 20,000 messages from 64 clients, sandbox limit off |"
                        + " delivered/s, first push to last (pushpipe: client limit off) | 250 [250, 250] | 400"
                        + " [400, 400] | 1.60 | pushpipe ≥ 2 × naive | ❌ |")
                .as("a figure neither design recorded is a dash, and so is its ratio")
                .contains("| Open loop, 300 msg/s for 20 s | POST p99 ms | – | – | – | pushpipe ≤ 2 × naive |  |");
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(results.resolve("benchmark.json")));
        assertThat(json.path("medians").path("design_naive_ingest_rps").asDouble())
                .isEqualTo(450);
    }

    @Test
    void figuresKeepTheNamesEarlierResultsUse() {
        assertThat(List.of(
                        Figure.ingestRequestsPerSecond(16),
                        Figure.ingestCpuMs(64, ProcessKind.NOTIFICATION_SERVICE),
                        Figure.endToEnd(300, Figure.Percentile.P50),
                        Figure.endToEnd(300, Figure.EndToEnd.RELAY_MS),
                        Figure.capacityPerSecond(3),
                        Figure.atExpoLimit(1, 500, Figure.Percentile.P99),
                        Figure.memoryHeapMib(ProcessKind.MESSAGE_SERVICE),
                        Figure.RECOVERY_DRAIN_SECONDS))
                .extracting(Figure::key)
                .containsExactly(
                        "ingest_c16_rps",
                        "ingest_c64_cpu_ms_notification_service",
                        "e2e_r300_p50",
                        "e2e_r300_relay_ms",
                        "capacity_3_per_second",
                        "limit_i1_expo500ms_p99",
                        "memory_message_service_heap_mib",
                        "recovery_drain_seconds");
    }
}
