package io.pushpipe.messageservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

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
import org.springframework.test.web.servlet.MockMvc;

class OperationsEndpointsTests extends IntegrationTest {

    @Autowired
    MockMvc mvc;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void healthReportsTheDatabaseAndTheOutboxBacklog() throws Exception {
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.outbox.status").value("UP"))
                .andExpect(jsonPath("$.components.outbox.details.pending").isNumber())
                .andExpect(
                        jsonPath("$.components.outbox.details.oldestAgeSeconds").isNumber());
        mvc.perform(get("/actuator/health/readiness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.outbox").doesNotExist());
    }

    @Test
    void prometheusExportsTheOutboxBacklogAndPublishLatency() throws Exception {
        new PortalClient(port).send(UUID.randomUUID(), UUID.randomUUID(), "metrics");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = mvc.perform(get("/actuator/prometheus"))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            assertThat(metrics)
                    .contains("pushpipe_outbox_backlog_events")
                    .contains("pushpipe_outbox_oldest_age_seconds")
                    .contains("pushpipe_outbox_published_events_total")
                    .containsPattern("pushpipe_outbox_pickup_latency_seconds_count\\{[^}]*} [1-9]")
                    .containsPattern("pushpipe_outbox_publish_latency_seconds_count\\{[^}]*} [1-9]")
                    .contains("pushpipe_outbox_publish_latency_seconds_bucket");
        });
    }

    @Test
    void anonymousHealthCallsAndScrapesNeverWaitForTheOutboxTable() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        HttpClient http = HttpClient.newHttpClient();
        try (Connection locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("lock table outbox in access exclusive mode");
            }
            CompletableFuture<List<HttpResponse<String>>> calls = CompletableFuture.supplyAsync(() -> {
                List<HttpResponse<String>> responses = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    responses.add(call(http, "/actuator/health", null));
                }
                responses.add(call(http, "/actuator/prometheus", TestTokens.serviceRole()));
                return responses;
            });
            List<HttpResponse<String>> responses;
            try {
                responses = calls.get(30, TimeUnit.SECONDS);
            } finally {
                locker.rollback();
            }

            assertThat(responses.subList(0, 50)).allSatisfy(response -> {
                assertThat(response.statusCode()).isIn(200, 503);
                assertThat(response.body()).containsPattern("\"status\":\"(UP|DOWN)\"");
                assertThat(response.body()).doesNotContain("components", "outbox", "pending");
            });
            assertThat(responses.get(50).body()).contains("pushpipe_outbox_backlog_events");
        }
    }

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
    void describesTheApiInOpenApiAndServesSwaggerUi() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/message/send-message'].post").exists())
                .andExpect(jsonPath("$.paths['/message/{id}'].get").exists())
                .andExpect(jsonPath("$.components.schemas.SendMessageRequest.properties.receiver_id")
                        .exists())
                .andExpect(jsonPath(
                                "$.paths['/message/send-message'].post.responses['400'].content['application/problem+json']")
                        .exists());
        mvc.perform(get("/swagger-ui/index.html")).andExpect(status().isOk());
    }
}
