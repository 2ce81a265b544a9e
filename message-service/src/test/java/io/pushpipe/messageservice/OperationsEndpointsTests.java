package io.pushpipe.messageservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

class OperationsEndpointsTests extends IntegrationTest {

    @Autowired
    MockMvc mvc;

    @LocalServerPort
    int port;

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
                    .containsPattern("pushpipe_outbox_publish_latency_seconds_count\\{[^}]*} [1-9]")
                    .contains("pushpipe_outbox_publish_latency_seconds_bucket");
        });
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
