package io.pushpipe.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.common.MessageType;
import io.pushpipe.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;

class OperationsEndpointsTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    private HttpResponse<String> call(HttpClient http, String path, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (bearer != null) {
            request.header("Authorization", bearer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void healthReportsTheDatabaseAndTheExpoCircuit() throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> mvc.perform(get("/actuator/health")).andExpect(status().isOk()));
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.expo.status").value("UP"))
                .andExpect(jsonPath("$.components.expo.details.circuitBreaker").value("CLOSED"));
        mvc.perform(get("/actuator/health/readiness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.components.expo").doesNotExist());
    }

    @Test
    void anonymousHealthCallsAndScrapesNeverWaitForTheTokenAndDeliveryTables() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Connection locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("lock table push_tokens, deliveries in access exclusive mode");
            }
            CompletableFuture<List<HttpResponse<String>>> calls = CompletableFuture.supplyAsync(() -> {
                List<HttpResponse<String>> responses = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    responses.add(call(http, "/actuator/health", null));
                }
                responses.add(call(http, "/actuator/prometheus", TestTokens.serviceRole()));
                responses.add(call(http, "/actuator/health", TestTokens.serviceRole()));
                return responses;
            });
            List<HttpResponse<String>> responses;
            try {
                responses = calls.get(30, TimeUnit.SECONDS);
            } finally {
                locker.rollback();
            }

            List<HttpResponse<String>> anonymous = responses.subList(0, 50);
            assertThat(anonymous).allSatisfy(response -> {
                assertThat(response.statusCode()).isIn(200, 503);
                assertThat(response.body()).containsPattern("\"status\":\"(UP|DOWN)\"");
                assertThat(response.body()).doesNotContain("components", "tokenHygiene", "receipts");
            });
            assertThat(responses.get(50).body()).contains("pushpipe_tokens_quarantined");
            assertThat(responses.get(51).body()).contains("tokenHygiene", "receipts");
        }
    }

    @Test
    void prometheusExportsDeliveryBreakerAndConsumerMetrics(@Autowired KafkaTemplate<String, byte[]> kafka) {
        new Events(kafka).publish(UUID.randomUUID(), MessageType.TEXT, "metrics");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = mvc.perform(get("/actuator/prometheus"))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            assertThat(metrics)
                    .contains("pushpipe_events_consumed_total")
                    .containsPattern("pushpipe_events_consume_lag_seconds_count\\{[^}]*} [1-9]")
                    .contains("pushpipe_notifications_sent_total")
                    .contains("resilience4j_circuitbreaker_state")
                    .contains("pushpipe_receipts_oldest_unchecked_age_seconds")
                    .contains("pushpipe_tokens_quarantined")
                    .contains("kafka_consumer_fetch_manager_records_lag_max");
        });
    }

    @Test
    void describesTheApiInOpenApi() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/push-tokens'].post").exists())
                .andExpect(jsonPath("$.paths['/push-tokens'].delete").exists())
                .andExpect(jsonPath("$.paths['/test-push-notification/{userId}'].post")
                        .exists());
    }
}
