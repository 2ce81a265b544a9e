package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.messageservice.IntegrationTest;
import io.pushpipe.testsupport.TestTokens;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

class SendMessageApiTests extends IntegrationTest {

    private static final String SENDER = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @Test
    void storesTheMessageAndAnswersWithItsIdAndLocation() throws Exception {
        UUID receiver = UUID.randomUUID();
        String content = "💬 مرحبا — <script>alert(1)</script> '; drop table messages; --";

        MvcResult created = mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body(SENDER, receiver.toString(), "zoom_link", content)))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", startsWith("/message/")))
                .andExpect(jsonPath("$.id").isString())
                .andExpect(jsonPath("$.created_at").isString())
                .andReturn();
        String location = created.getResponse().getHeader("Location");

        mvc.perform(get(location))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(location.substring("/message/".length())))
                .andExpect(jsonPath("$.sender_id").value(SENDER))
                .andExpect(jsonPath("$.receiver_id").value(receiver.toString()))
                .andExpect(jsonPath("$.message_type").value("zoom_link"))
                .andExpect(jsonPath("$.content").value(content))
                .andExpect(jsonPath("$.created_at").isString());
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        String json = """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "text", "content": "Hi",
                 "priority": "urgent", "attachments": [{"name": "cv.pdf"}]}
                """.formatted(SENDER, UUID.randomUUID());

        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json))
                .andExpect(status().isCreated());
    }

    static Stream<Arguments> invalidFields() {
        String receiver = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of(
                        "missing sender",
                        "{\"receiver_id\":\"" + receiver + "\",\"message_type\":\"text\",\"content\":\"Hi\"}",
                        "sender_id",
                        "must not be null"),
                Arguments.of(
                        "missing receiver",
                        "{\"sender_id\":\"" + SENDER + "\",\"message_type\":\"text\",\"content\":\"Hi\"}",
                        "receiver_id",
                        "must not be null"),
                Arguments.of(
                        "receiver not a UUID",
                        body(SENDER, "candidate-42", "text", "Hi"),
                        "receiver_id",
                        "'candidate-42' is not a UUID"),
                Arguments.of(
                        "sender not a UUID",
                        body("12345", receiver, "text", "Hi"),
                        "sender_id",
                        "'12345' is not a UUID"),
                Arguments.of(
                        "unknown message type",
                        body(SENDER, receiver, "video_call", "Hi"),
                        "message_type",
                        "'video_call' is not one of [text, zoom_link, form_link, status_update]"),
                Arguments.of(
                        "missing message type",
                        "{\"sender_id\":\"" + SENDER + "\",\"receiver_id\":\"" + receiver + "\",\"content\":\"Hi\"}",
                        "message_type",
                        "must not be null"),
                Arguments.of("empty content", body(SENDER, receiver, "text", ""), "content", "must not be blank"),
                Arguments.of("blank content", body(SENDER, receiver, "text", "  \\n "), "content", "must not be blank"),
                Arguments.of(
                        "content over 10,000 characters",
                        body(SENDER, receiver, "text", "x".repeat(10_001)),
                        "content",
                        "size must be between 0 and 10000"),
                Arguments.of(
                        "content with a NUL character",
                        body(SENDER, receiver, "text", "a\\u0000b"),
                        "content",
                        "must not contain the NUL character (U+0000)"),
                Arguments.of(
                        "content not a string",
                        "{\"sender_id\":\"" + SENDER + "\",\"receiver_id\":\"" + receiver
                                + "\",\"message_type\":\"text\",\"content\":{\"text\":\"Hi\"}}",
                        "content",
                        "must be a string"),
                Arguments.of(
                        "sender equal to receiver",
                        body(SENDER, SENDER, "text", "Hi"),
                        "receiver_id",
                        "must differ from sender_id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFields")
    void namesTheFieldAndTheRuleOfInvalidInputAndStoresNothing(
            String description, String json, String field, String rule) throws Exception {
        long before = messageCount();

        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(startsWith(rule)))
                .andExpect(jsonPath("$.detail").value(containsString(field + ": " + rule)));

        assertThat(messageCount()).isEqualTo(before);
    }

    @Test
    void listsEveryInvalidFieldAtOnce() throws Exception {
        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"message_type\":\"text\",\"content\":\"\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.length()").value(3))
                .andExpect(jsonPath("$.errors[0].field").value("content"))
                .andExpect(jsonPath("$.errors[1].field").value("receiver_id"))
                .andExpect(jsonPath("$.errors[2].field").value("sender_id"));
    }

    @Test
    void explainsMalformedJson() throws Exception {
        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sender_id\": \"" + SENDER + "\", \"receiver_id\": "))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.title").value("Unreadable request body"))
                .andExpect(jsonPath("$.detail").value(startsWith("The request body is not valid JSON")));
    }

    @Test
    void explainsAMissingBody() throws Exception {
        mvc.perform(post("/message/send-message").contentType(MediaType.APPLICATION_JSON))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail")
                        .value(containsString("Send a JSON object as described at /swagger-ui.html")));
    }

    @Test
    void refusesABodyOverTheSizeLimitByItsDeclaredLength() throws Exception {
        String json = body(SENDER, UUID.randomUUID().toString(), "text", "x".repeat(70_000));

        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json))
                .andExpect(status().isContentTooLarge())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.detail").value(containsString("pushpipe.api.max-request-size")));
    }

    @Test
    void refusesAChunkedBodyOverTheSizeLimitWhileReadingIt() throws Exception {
        byte[] json = body(SENDER, UUID.randomUUID().toString(), "text", "x".repeat(70_000))
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/message/send-message"))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.serviceRole())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json)))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("pushpipe.api.max-request-size");
    }

    @Test
    void refusesAnotherContentType() throws Exception {
        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.TEXT_PLAIN)
                        .content("hello"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.detail").value(containsString("text/plain")));
    }

    @Test
    void answers404ForAnUnknownMessageAnd400ForAnIdThatIsNoUuid() throws Exception {
        UUID unknown = UUID.randomUUID();
        mvc.perform(get("/message/" + unknown))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("No message has the id " + unknown + "."));
        mvc.perform(get("/message/not-a-uuid"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("id"))
                .andExpect(jsonPath("$.errors[0].message").value(startsWith("'not-a-uuid' is not a UUID")));
    }

    @Test
    void storesNeitherTheMessageNorItsEventWhenTheOutboxInsertFails() throws Exception {
        String marker = "atomicity-" + UUID.randomUUID();
        jdbc.sql("""
                create or replace function fail_marked_outbox_insert() returns trigger language plpgsql as $$
                begin
                    if new.payload like '%%%s%%' then raise exception 'simulated outbox failure'; end if;
                    return new;
                end $$
                """.formatted(marker)).update();
        jdbc.sql("""
                create trigger fail_marked_outbox_insert before insert on outbox
                for each row execute function fail_marked_outbox_insert()
                """).update();
        try {
            mvc.perform(post("/message/send-message")
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body(SENDER, UUID.randomUUID().toString(), "text", marker)))
                    .andExpect(status().isInternalServerError())
                    .andExpect(jsonPath("$.detail").value(startsWith("The request failed and nothing was stored")));
        } finally {
            jdbc.sql("drop trigger fail_marked_outbox_insert on outbox").update();
            jdbc.sql("drop function fail_marked_outbox_insert()").update();
        }

        assertThat(jdbc.sql("select count(*) from messages where content = :c")
                        .param("c", marker)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from outbox where payload like :c")
                        .param("c", "%" + marker + "%")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private long messageCount() {
        return jdbc.sql("select count(*) from messages").query(Long.class).single();
    }

    static String body(String sender, String receiver, String type, String content) {
        return """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "%s", "content": "%s"}
                """.formatted(sender, receiver, type, content);
    }
}
