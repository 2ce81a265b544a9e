package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** A flood of anonymous health probes costs one evaluation a second, and tells only the status. */
@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AnonymousHealthTests.CountingHealth.class)
class AnonymousHealthTests {

    @LocalServerPort
    int port;

    @Autowired
    AtomicInteger evaluations;

    @Test
    void fiftyAnonymousProbesInAMomentEvaluateTheHealthComponentsAtMostTwiceAndTellOnlyTheStatus() {
        evaluations.set(0);

        var answers = IntStream.range(0, 50)
                .parallel()
                .mapToObj(i -> Http.get(port, "/actuator/health", null))
                .toList();

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"status\":\"UP\"}");
        });
        assertThat(evaluations.get()).isBetween(1, 2);
    }

    @Test
    void aCallerWithATokenStillGetsTheActuatorsOwnAnswer() {
        evaluations.set(0);

        HttpResponse<String> answer =
                Http.get(port, "/actuator/health", DevelopmentTokens.serviceRole(Duration.ofMinutes(5)));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(evaluations.get()).isEqualTo(1);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class CountingHealth {

        @Bean
        AtomicInteger evaluations() {
            return new AtomicInteger();
        }

        @Bean
        HealthIndicator counting(AtomicInteger evaluations) {
            return () -> {
                evaluations.incrementAndGet();
                return Health.up().build();
            };
        }
    }
}
