package io.pushpipe.notificationservice;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

class RequestSizeLimitTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Test
    void acceptsATokenRegistrationUnder16KbAndRefusesOneOverItByDefault() throws Exception {
        registerWithPadding(mvc, 15_000).andExpect(status().isCreated());

        registerWithPadding(mvc, 17_000)
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.detail").value(containsString("limit of 16384 bytes")))
                .andExpect(jsonPath("$.detail").value(containsString("pushpipe.api.max-request-size")));
    }

    @Nested
    @TestPropertySource(properties = "pushpipe.api.max-request-size=2KB")
    class WithALimitSet {

        @Autowired
        MockMvc mvc;

        @Test
        void refusesBodiesOverTheConfiguredLimit() throws Exception {
            registerWithPadding(mvc, 1_000).andExpect(status().isCreated());

            registerWithPadding(mvc, 3_000)
                    .andExpect(status().isContentTooLarge())
                    .andExpect(jsonPath("$.detail").value(containsString("limit of 2048 bytes")));
        }
    }

    /** A valid registration made larger by a field the API ignores. */
    private static ResultActions registerWithPadding(MockMvc mvc, int paddingLength) throws Exception {
        String json = "{\"user_id\":\"" + UUID.randomUUID() + "\",\"expo_token\":\"" + newToken("size")
                + "\",\"padding\":\"" + "x".repeat(paddingLength) + "\"}";
        return mvc.perform(
                post("/push-tokens").contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
