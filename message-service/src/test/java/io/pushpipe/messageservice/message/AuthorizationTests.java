package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.messageservice.IntegrationTest;
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
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Employers post only as themselves; a message is read by its sender, its receiver or the back end. */
class AuthorizationTests extends IntegrationTest {

    private final UUID employer = UUID.randomUUID();
    private final UUID candidate = UUID.randomUUID();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @Test
    void anEmployerPostsAsThemselfButNotAsAnotherEmployer() throws Exception {
        UUID otherEmployer = UUID.randomUUID();

        send(TestTokens.user(employer), employer).andExpect(status().isCreated());
        send(TestTokens.user(employer), otherEmployer)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("act for another user"))
                .andExpect(jsonPath("$.detail")
                        .value("Your token's subject (" + employer + ") is not sender_id " + otherEmployer
                                + ". Only the user themself, or the back end with the service_role role, may do"
                                + " this."));

        assertThat(messagesFrom(otherEmployer)).isZero();
        assertThat(messagesFrom(employer)).isEqualTo(1);
    }

    @Test
    void thePortalBackEndPostsForAnyEmployer() throws Exception {
        send(TestTokens.serviceRole(), employer).andExpect(status().isCreated());
    }

    @Test
    void aPostWithoutTokenIsRefusedAndStoresNothing() throws Exception {
        HttpResponse<String> response = http(HttpRequest.newBuilder(uri("/message/send-message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(employer))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"pushpipe\"");
        assertThat(messagesFrom(employer)).isZero();
    }

    @Test
    void aFloodFromOneEmployerGets429WithRetryAfterAndEveryAcceptedMessageIsStored() throws Exception {
        String token = TestTokens.user(employer);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            MockHttpServletResponse response = send(token, employer).andReturn().getResponse();
            if (response.getStatus() == 201) {
                accepted++;
            } else {
                assertThat(response.getStatus()).isEqualTo(429);
                assertThat(response.getHeader("Retry-After")).isEqualTo("1");
                refused++;
            }
        }

        assertThat(refused).as("refused with the default 10/s, bursts of 30").isPositive();
        assertThat(accepted).isGreaterThanOrEqualTo(30);
        assertThat(messagesFrom(employer)).isEqualTo(accepted);
        send(TestTokens.user(UUID.randomUUID()), employer).andExpect(status().isForbidden());
        send(TestTokens.serviceRole(), employer).andExpect(status().isCreated());
    }

    @Test
    void aMessageIsReadByItsSenderItsReceiverAndTheBackEndOnly() throws Exception {
        String location = send(TestTokens.user(employer), employer)
                .andReturn()
                .getResponse()
                .getHeader("Location");

        read(location, TestTokens.user(employer)).andExpect(status().isOk());
        read(location, TestTokens.user(candidate)).andExpect(status().isOk());
        read(location, TestTokens.serviceRole()).andExpect(status().isOk());
        read(location, TestTokens.user(UUID.randomUUID()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("read another user's message"));
    }

    @Test
    void healthIsOpenWithoutDetailsAndMetricsAreForTheBackEnd() throws Exception {
        HttpResponse<String> anonymousHealth = http(HttpRequest.newBuilder(uri("/actuator/health")));
        HttpResponse<String> operatorHealth =
                http(HttpRequest.newBuilder(uri("/actuator/health")).header("Authorization", TestTokens.serviceRole()));

        assertThat(anonymousHealth.statusCode()).isEqualTo(200);
        assertThat(anonymousHealth.body()).contains("\"status\":\"UP\"").doesNotContain("components", "outbox");
        assertThat(operatorHealth.body()).contains("outbox");
        assertThat(http(HttpRequest.newBuilder(uri("/actuator/prometheus"))).statusCode())
                .isEqualTo(401);
        assertThat(http(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                                .header("Authorization", TestTokens.user(employer)))
                        .statusCode())
                .isEqualTo(403);
        assertThat(http(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                                .header("Authorization", TestTokens.serviceRole()))
                        .body())
                .contains("pushpipe_outbox_backlog_events");
    }

    private ResultActions send(String token, UUID sender) throws Exception {
        return mvc.perform(post("/message/send-message")
                .header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .content(json(sender)));
    }

    private ResultActions read(String location, String token) throws Exception {
        return mvc.perform(get(location).header(HttpHeaders.AUTHORIZATION, token));
    }

    private String json(UUID sender) {
        return """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "text", "content": "Hello"}
                """.formatted(sender, candidate);
    }

    private long messagesFrom(UUID sender) {
        return jdbc.sql("select count(*) from messages where sender_id = :sender")
                .param("sender", sender)
                .query(Long.class)
                .single();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
