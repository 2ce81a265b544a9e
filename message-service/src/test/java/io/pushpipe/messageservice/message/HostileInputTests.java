package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.messageservice.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/** Input an attacker or a broken client sends: refused with a clear answer, or stored exactly as sent. */
class HostileInputTests extends IntegrationTest {

    private static final String SENDER = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32";

    @Autowired
    MockMvc mvc;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void deeplyNestedJsonIsRefusedAsUnreadableNotAnError() throws Exception {
        String nested = "{\"sender_id\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";

        mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(nested))
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE));
    }

    @Test
    void sqlHtmlEmojiRightToLeftAndControlCharactersAreStoredVerbatim() throws Exception {
        String content = "'); drop table messages; -- <img src=x onerror=alert(1)> مرحبا 👋 שלום\r\nX-Injected: yes\t✓";
        String body = json.writeValueAsString(java.util.Map.of(
                "sender_id",
                SENDER,
                "receiver_id",
                UUID.randomUUID().toString(),
                "message_type",
                "text",
                "content",
                content));

        MockHttpServletResponse created = mvc.perform(post("/message/send-message")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse();

        assertThat(created.getHeader("Location")).matches("/message/[0-9a-f-]{36}");
        assertThat(created.getHeaderNames()).noneMatch(name -> name.equalsIgnoreCase("X-Injected"));
        mvc.perform(get(created.getHeader("Location")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.content").value(content));
    }

    @Test
    void aPathThatIsNoUuidNeverReachesTheDatabase() throws Exception {
        mvc.perform(get("/message/1' or '1'='1"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("id"));
    }
}
