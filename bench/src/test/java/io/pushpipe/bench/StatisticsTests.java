package io.pushpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The report's arithmetic: the README quotes these numbers. */
class StatisticsTests {

    @Test
    void percentilesAreNearestRank() {
        List<Double> hundred =
                IntStream.rangeClosed(1, 100).mapToDouble(i -> i).boxed().toList();

        assertThat(Benchmark.percentile(hundred, 0.50)).isEqualTo(50);
        assertThat(Benchmark.percentile(hundred, 0.95)).isEqualTo(95);
        assertThat(Benchmark.percentile(hundred, 0.99)).isEqualTo(99);
        assertThat(Benchmark.percentile(List.of(7.0), 0.99)).isEqualTo(7);
        assertThat(Benchmark.percentile(List.of(), 0.5)).isZero();
    }

    @Test
    void theMedianOfRunsIsTheMiddleOneOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(Report.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5);
        assertThat(Report.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Report.median(List.of())).isNaN();
    }
}
