package io.pushpipe.notificationservice.token;

import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.notificationservice.NotificationIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

class TokenApiTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Test
    void registersANewTokenWith201AndAKnownOneWith200() throws Exception {
        UUID user = UUID.randomUUID();
        String token = "ExponentPushToken[abcdEFGH1234ijklMNOP56]";
        String unique = token.replace("abcd", UUID.randomUUID().toString().substring(0, 4));

        register(user, unique, "ios")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.user_id").value(user.toString()))
                .andExpect(jsonPath("$.expo_token").value(unique.substring(0, 22) + "…56]"))
                .andExpect(jsonPath("$.platform").value("ios"))
                .andExpect(jsonPath("$.active").value(true));
        register(user, unique, null)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.platform").value("ios"));
    }

    @Test
    void aTokenRegisteredByAnotherUserMovesToThatUser() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String token = newToken("shared");
        register(first, token, "android").andExpect(status().isCreated());

        register(second, token, "android").andExpect(status().isOk());

        mvc.perform(get("/push-tokens").param("user_id", first.toString())).andExpect(jsonPath("$", hasSize(0)));
        mvc.perform(get("/push-tokens").param("user_id", second.toString()))
                .andExpect(jsonPath("$", hasSize(1)))
                .andExpect(jsonPath("$[0].active").value(true));
    }

    @Test
    void signingOutDeactivatesTheTokenIdempotentlyAndRegisteringAgainReactivatesIt() throws Exception {
        UUID user = UUID.randomUUID();
        String token = newToken("signout");
        register(user, token, null);

        mvc.perform(delete("/push-tokens/" + token)).andExpect(status().isNoContent());
        mvc.perform(delete("/push-tokens/" + token)).andExpect(status().isNoContent());
        mvc.perform(get("/push-tokens").param("user_id", user.toString()))
                .andExpect(jsonPath("$[0].active").value(false))
                .andExpect(jsonPath("$[0].deactivation_reason").value("signed_out"));

        register(user, token, null).andExpect(status().isOk());
        mvc.perform(get("/push-tokens").param("user_id", user.toString()))
                .andExpect(jsonPath("$[0].active").value(true))
                .andExpect(jsonPath("$[0].deactivation_reason").doesNotExist());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not a token|hello|expo_token|must be an Expo push token",
                "APNs token|a1b2c3d4e5f60718293a4b5c6d7e8f90|expo_token|must be an Expo push token",
                "empty brackets|ExponentPushToken[]|expo_token|must be an Expo push token",
                "odd characters|ExponentPushToken[abc<script>]|expo_token|must be an Expo push token",
            })
    void refusesATokenThatIsNotAnExpoPushToken(String description, String token, String field, String rule)
            throws Exception {
        register(UUID.randomUUID(), token, null)
                .andExpect(status().isBadRequest())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(org.hamcrest.Matchers.startsWith(rule)));
    }

    @Test
    void refusesAnUnknownPlatformAndAMissingUser() throws Exception {
        register(UUID.randomUUID(), newToken("platform"), "symbian")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("platform"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of ios, android, web"));
        mvc.perform(post("/push-tokens")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"expo_token\":\"" + newToken("nouser") + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("user_id"));
    }

    private ResultActions register(UUID user, String token, String platform) throws Exception {
        String json = "{\"user_id\":\"" + user + "\",\"expo_token\":\"" + token + "\""
                + (platform == null ? "" : ",\"platform\":\"" + platform + "\"") + "}";
        return mvc.perform(
                post("/push-tokens").contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
