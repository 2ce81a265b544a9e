package io.pushpipe.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

class OperationsEndpointsTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Test
    void healthReportsTheDatabaseAndTheExpoCircuit() throws Exception {
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
    void prometheusExportsDeliveryBreakerAndConsumerMetrics() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = mvc.perform(get("/actuator/prometheus"))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            assertThat(metrics)
                    .contains("pushpipe_events_consumed_total")
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
