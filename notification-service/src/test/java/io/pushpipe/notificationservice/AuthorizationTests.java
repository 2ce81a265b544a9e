package io.pushpipe.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.testsupport.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** A user manages only their own devices; test pushes, delivery status and the admin API are for service_role. */
class AuthorizationTests extends NotificationIntegrationTest {

    private final UUID candidate = UUID.randomUUID();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @Test
    void aUserRegistersListsAndRemovesOnlyTheirOwnTokens() throws Exception {
        UUID intruder = UUID.randomUUID();
        String phone = newToken("own");

        register(TestTokens.user(candidate), candidate, phone).andExpect(status().isCreated());
        register(TestTokens.user(intruder), candidate, newToken("planted"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("act for another user"));
        mvc.perform(get("/push-tokens")
                        .param("user_id", candidate.toString())
                        .header(HttpHeaders.AUTHORIZATION, TestTokens.user(intruder)))
                .andExpect(status().isForbidden());
        mvc.perform(delete("/push-tokens")
                        .header(HttpHeaders.AUTHORIZATION, TestTokens.user(intruder))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"expo_token\":\"" + phone + "\"}"))
                .andExpect(status().isNotFound());

        assertThat(activeTokensOf(candidate)).isEqualTo(1);
        mvc.perform(get("/push-tokens")
                        .param("user_id", candidate.toString())
                        .header(HttpHeaders.AUTHORIZATION, TestTokens.user(candidate)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1));
        mvc.perform(delete("/push-tokens")
                        .header(HttpHeaders.AUTHORIZATION, TestTokens.user(candidate))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"expo_token\":\"" + phone + "\"}"))
                .andExpect(status().isNoContent());
        assertThat(activeTokensOf(candidate)).isZero();
    }

    @Test
    void theBackEndRegistersForAnyUser() throws Exception {
        register(TestTokens.serviceRole(), candidate, newToken("backend")).andExpect(status().isCreated());
    }

    @Test
    void usersCannotSendTestPushesNorReadDeliveriesNorTouchTheAdminApi() throws Exception {
        register(TestTokens.user(candidate), candidate, newToken("victim")).andExpect(status().isCreated());
        String user = TestTokens.user(UUID.randomUUID());

        mvc.perform(post("/test-push-notification/{user}", candidate).header(HttpHeaders.AUTHORIZATION, user))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("role service_role"));
        mvc.perform(get("/notifications")
                        .param("message_id", UUID.randomUUID().toString())
                        .header(HttpHeaders.AUTHORIZATION, user))
                .andExpect(status().isForbidden());
        mvc.perform(get("/admin/dlt").header(HttpHeaders.AUTHORIZATION, user)).andExpect(status().isForbidden());
        mvc.perform(post("/admin/dlt/replay")
                        .header(HttpHeaders.AUTHORIZATION, user)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"filter\": {}, \"dry_run\": false}"))
                .andExpect(status().isForbidden());
        mvc.perform(get("/admin/tokens/quarantine").header(HttpHeaders.AUTHORIZATION, user))
                .andExpect(status().isForbidden());

        assertThat(EXPO.requests()).as("no test push reached Expo").isEmpty();
    }

    @Test
    void theAdminApiWithoutTokenAnswers401() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/dlt"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"reason\":\"missing_token\"");
    }

    private ResultActions register(String token, UUID user, String expoToken) throws Exception {
        return mvc.perform(post("/push-tokens")
                .header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"user_id\":\"" + user + "\",\"expo_token\":\"" + expoToken + "\"}"));
    }

    private long activeTokensOf(UUID user) {
        return jdbc.sql("select count(*) from push_tokens where user_id = :user and active")
                .param("user", user)
                .query(Long.class)
                .single();
    }
}
