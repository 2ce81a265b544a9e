package io.pushpipe.notificationservice.token;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.notificationservice.NotificationIntegrationTest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

class TokenHygieneTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Devices devices;

    @Autowired
    TokenHygiene hygiene;

    @AfterEach
    void endTheWave() throws Exception {
        mvc.perform(post("/admin/tokens/quarantine/release").param("action", "restore"));
    }

    @Test
    void aMeasurementTakenWhileAQuarantineCommitsDoesNotHideTheAlarm() throws Exception {
        List<String> wave = activeTokens(waveBeyondTheGuard(jdbc));

        transactions.executeWithoutResult(status -> {
            devices.notRegistered(wave);
            CompletableFuture.runAsync(hygiene::measure).join();
        });

        mvc.perform(get("/actuator/health/tokenHygiene"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.details.quarantinedTokens").value(wave.size()));
    }

    private List<String> activeTokens(int count) {
        List<String> tokens =
                IntStream.range(0, count).mapToObj(i -> newToken("Gone-wave")).toList();
        tokens.forEach(token -> jdbc.sql("insert into push_tokens (user_id, expo_token) values (:u, :t)")
                .param("u", UUID.randomUUID())
                .param("t", token)
                .update());
        return tokens;
    }
}
