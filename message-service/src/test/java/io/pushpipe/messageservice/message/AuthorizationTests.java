package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.common.MessageType;
import io.pushpipe.messageservice.IntegrationTest;
import io.pushpipe.security.DevelopmentTokens;
import io.pushpipe.testsupport.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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

/**
 * Users post only as themselves and only the message types their kind may send; a message is read by its
 * sender, its receiver or the back end.
 */
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

        send(TestTokens.employer(employer), employer).andExpect(status().isCreated());
        send(TestTokens.employer(employer), otherEmployer)
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
    void anEmployerSendsEveryTypeAndTheBackEndSendsEveryTypeForAnyone() throws Exception {
        for (MessageType type : MessageType.values()) {
            send(TestTokens.employer(employer), employer, candidate, type).andExpect(status().isCreated());
            send(TestTokens.serviceRole(), candidate, employer, type).andExpect(status().isCreated());
        }

        assertThat(messagesFrom(employer)).isEqualTo(4);
        assertThat(messagesFrom(candidate)).isEqualTo(4);
    }

    @Test
    void aCandidateSendsTextButNoInterviewInvitationTestLinkOrStatusUpdate() throws Exception {
        String token = TestTokens.candidate(candidate);

        send(token, candidate, employer, MessageType.TEXT).andExpect(status().isCreated());
        for (MessageType type : List.of(MessageType.ZOOM_LINK, MessageType.FORM_LINK, MessageType.STATUS_UPDATE)) {
            send(token, candidate, employer, type)
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.missing_permission").value("send " + type.wireName()))
                    .andExpect(jsonPath("$.detail")
                            .value("Users of kind 'candidate' (pushpipe.senders.kinds.candidate) may send text, not "
                                    + type.wireName() + ". The portal's back end (service_role) may send it for"
                                    + " you."));
        }

        assertThat(messagesFrom(candidate)).isEqualTo(1);
    }

    @Test
    void anAnonymousUserSendsNothingNotEvenText() throws Exception {
        UUID anonymous = UUID.randomUUID();

        send(TestTokens.anonymous(anonymous), anonymous, candidate, MessageType.TEXT)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("send messages"))
                .andExpect(jsonPath("$.detail")
                        .value("Anonymous users (is_anonymous: true) may not send messages. Sign in with an account"
                                + " to send one."));

        assertThat(messagesFrom(anonymous)).isZero();
    }

    @Test
    void aUserWhoseTokenNamesNoKindSendsNothingAndIsToldWhichClaimIsMissing() throws Exception {
        UUID unclassified = UUID.randomUUID();

        send(TestTokens.user(unclassified), unclassified, candidate, MessageType.TEXT)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.missing_permission").value("send text"))
                .andExpect(jsonPath("$.detail")
                        .value("Your token has no app_metadata.user_kind, and users without a kind"
                                + " (pushpipe.senders.without-kind) may send no messages, not text. The portal's back"
                                + " end (service_role) may send it for you."));

        assertThat(messagesFrom(unclassified)).isZero();
    }

    @Test
    void aKindWithoutARuleCountsAsNoKind() throws Exception {
        UUID admin = UUID.randomUUID();
        String token = "Bearer " + DevelopmentTokens.user(admin, "Administrator", Duration.ofMinutes(5));

        send(token, admin, candidate, MessageType.TEXT)
                .andExpect(status().isForbidden())
                .andExpect(
                        jsonPath("$.detail")
                                .value(
                                        org.hamcrest.Matchers.startsWith(
                                                "Your token's app_metadata.user_kind is"
                                                        + " 'administrator', which has no sender rule (pushpipe.senders.kinds.administrator)")));
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
        String token = TestTokens.employer(employer);
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
        String location = send(TestTokens.employer(employer), employer)
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
        return send(token, sender, candidate, MessageType.TEXT);
    }

    private ResultActions send(String token, UUID sender, UUID receiver, MessageType type) throws Exception {
        return mvc.perform(post("/message/send-message")
                .header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .content("""
                        {"sender_id": "%s", "receiver_id": "%s", "message_type": "%s", "content": "Hello"}
                        """.formatted(sender, receiver, type.wireName())));
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
