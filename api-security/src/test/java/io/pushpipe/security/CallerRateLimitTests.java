package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
        classes = SecuredApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"pushpipe.security.rate-limit.requests-per-second=0.5", "pushpipe.security.rate-limit.burst=3"})
class CallerRateLimitTests {

    @LocalServerPort
    int port;

    @Test
    void aFloodFromOneCallerGets429WithRetryAfterWhileOthersGoOn() {
        UUID flooder = UUID.randomUUID();
        UUID neighbour = UUID.randomUUID();
        String token = DevelopmentTokens.user(flooder, Duration.ofMinutes(5));
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = Http.post(port, "/users/" + flooder + "/things", token);
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
        }

        assertThat(statuses.subList(0, 3)).containsOnly(200);
        assertThat(statuses.subList(3, 6)).containsOnly(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(refused).get("detail").asString())
                .contains(flooder.toString(), "0.5 POST requests per second (bursts of 3)", "retry it after 2 s");
        HttpResponse<String> other = Http.post(
                port, "/users/" + neighbour + "/things", DevelopmentTokens.user(neighbour, Duration.ofMinutes(5)));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/whoami", token).statusCode())
                .as("reads are not limited")
                .isEqualTo(200);
    }

    @Test
    void theBackEndIsExempt() {
        String serviceKey = DevelopmentTokens.serviceRole(Duration.ofMinutes(5));

        for (int i = 0; i < 10; i++) {
            assertThat(Http.post(port, "/users/" + UUID.randomUUID() + "/things", serviceKey)
                            .statusCode())
                    .isEqualTo(200);
        }
    }
}
