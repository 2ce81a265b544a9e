package io.pushpipe.notificationservice.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.testsupport.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

class TokenApiTests extends NotificationIntegrationTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

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

        unregister(token).andExpect(status().isNoContent());
        unregister(token).andExpect(status().isNoContent());
        mvc.perform(get("/push-tokens").param("user_id", user.toString()))
                .andExpect(jsonPath("$[0].active").value(false))
                .andExpect(jsonPath("$[0].deactivation_reason").value("signed_out"));

        register(user, token, null).andExpect(status().isOk());
        mvc.perform(get("/push-tokens").param("user_id", user.toString()))
                .andExpect(jsonPath("$[0].active").value(true))
                .andExpect(jsonPath("$[0].deactivation_reason").doesNotExist());
    }

    @Test
    void theOldDeleteWithTheTokenInTheUrlIsGoneAndChangesNothing() throws Exception {
        UUID user = UUID.randomUUID();
        String token = newToken("inurl");
        register(user, token, null);

        mvc.perform(delete("/push-tokens/{token}", token))
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.detail").value(containsString("in the body")))
                .andExpect(content().string(not(containsString(token))));

        mvc.perform(get("/push-tokens").param("user_id", user.toString()))
                .andExpect(jsonPath("$[0].active").value(true));
    }

    @Test
    void registeringOneDeviceMoreThanTheQuotaDeactivatesTheLeastRecentlyRegisteredAndSaysWhich() throws Exception {
        UUID user = UUID.randomUUID();
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            phones.add(newToken("quota"));
            register(user, phones.get(i), null)
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.replaced_tokens", hasSize(0)));
        }
        register(user, phones.get(0), null)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.replaced_tokens", hasSize(0)));
        String newPhone = newToken("quota");

        register(user, newPhone, "ios")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.active").value(true))
                .andExpect(jsonPath("$.replaced_tokens", hasSize(1)))
                .andExpect(jsonPath("$.replaced_tokens[0].expo_token").value(ExpoTokens.mask(phones.get(1))))
                .andExpect(jsonPath("$.replaced_tokens[0].deactivation_reason").value("device_quota"))
                .andExpect(content().string(not(containsString(phones.get(1)))));

        assertThat(activeTokensOf(user))
                .hasSize(10)
                .doesNotContain(phones.get(1))
                .contains(phones.get(0), newPhone);
    }

    @Test
    void twoDevicesRegisteredAtOnceNeverLeaveAUserAboveTheQuota() throws Exception {
        UUID user = UUID.randomUUID();
        for (int i = 0; i < 9; i++) {
            register(user, newToken("race"), null).andExpect(status().isCreated());
        }
        List<CompletableFuture<Void>> both = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String token = newToken("race");
            both.add(CompletableFuture.runAsync(() -> {
                try {
                    register(user, token, null).andExpect(status().isCreated());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        both.forEach(CompletableFuture::join);

        assertThat(activeTokensOf(user)).hasSize(10);
    }

    @Test
    void aTokenActiveForAnotherUserIsNotMovedAndTheRefusalDoesNotNameThem() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String token = newToken("takeover");
        registerAs(TestTokens.user(owner), owner, token).andExpect(status().isCreated());

        registerAs(TestTokens.user(other), other, token)
                .andExpect(status().isConflict())
                .andExpect(header().string("Content-Type", MediaType.APPLICATION_PROBLEM_JSON_VALUE))
                .andExpect(jsonPath("$.detail").value(containsString("signed out")))
                .andExpect(content().string(not(containsString(owner.toString()))))
                .andExpect(content().string(not(containsString(token))));

        assertThat(activeTokensOf(owner)).containsExactly(token);
        assertThat(activeTokensOf(other)).isEmpty();
    }

    @Test
    void aPhonePassedToAnotherAccountMovesOnceTheFirstAccountSignedOut() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String phone = newToken("passed");
        registerAs(TestTokens.user(first), first, phone).andExpect(status().isCreated());

        unregisterAs(TestTokens.user(first), phone).andExpect(status().isNoContent());
        registerAs(TestTokens.user(second), second, phone).andExpect(status().isOk());

        assertThat(activeTokensOf(first)).isEmpty();
        assertThat(activeTokensOf(second)).containsExactly(phone);
    }

    @Test
    void theBackEndMovesATokenThatIsActiveForAnotherUser() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String phone = newToken("backendmove");
        registerAs(TestTokens.user(first), first, phone).andExpect(status().isCreated());

        registerAs(TestTokens.serviceRole(), second, phone).andExpect(status().isOk());

        assertThat(activeTokensOf(second)).containsExactly(phone);
    }

    @Test
    void deletingAnotherUsersTokenAnswersLikeAnUnknownTokenWithoutTheirIdAndChangesNothing() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID intruder = UUID.randomUUID();
        String phone = newToken("notyours");
        registerAs(TestTokens.user(owner), owner, phone).andExpect(status().isCreated());

        String othersAnswer = unregisterAs(TestTokens.user(intruder), phone)
                .andExpect(status().isNotFound())
                .andReturn()
                .getResponse()
                .getContentAsString();
        String unknownAnswer = unregisterAs(TestTokens.user(intruder), newToken("unknown"))
                .andExpect(status().isNotFound())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(othersAnswer).doesNotContain(owner.toString(), phone);
        assertThat(othersAnswer.replaceAll("\"instance\":\"[^\"]*\"", ""))
                .isEqualTo(unknownAnswer.replaceAll("\"instance\":\"[^\"]*\"", ""));
        assertThat(activeTokensOf(owner)).containsExactly(phone);
    }

    @Test
    void aTestPushAnswerShowsExposMessageWithTheTokenMasked() throws Exception {
        UUID user = UUID.randomUUID();
        String dead = newToken("Dead");
        register(user, dead, null);

        mvc.perform(post("/test-push-notification/{user}", user))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.devices[0].error").value("DeviceNotRegistered"))
                .andExpect(jsonPath("$.devices[0].message").value(containsString(ExpoTokens.mask(dead))))
                .andExpect(content().string(not(containsString(dead))));
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

    private ResultActions registerAs(String bearer, UUID user, String token) throws Exception {
        return mvc.perform(post("/push-tokens")
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"user_id\":\"" + user + "\",\"expo_token\":\"" + token + "\"}"));
    }

    private ResultActions unregister(String token) throws Exception {
        return mvc.perform(delete("/push-tokens")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"expo_token\":\"" + token + "\"}"));
    }

    private ResultActions unregisterAs(String bearer, String token) throws Exception {
        return mvc.perform(delete("/push-tokens")
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"expo_token\":\"" + token + "\"}"));
    }

    private List<String> activeTokensOf(UUID user) {
        return jdbc.sql("select expo_token from push_tokens where user_id = :user and active")
                .param("user", user)
                .query(String.class)
                .list();
    }

    private ResultActions register(UUID user, String token, String platform) throws Exception {
        String json = "{\"user_id\":\"" + user + "\",\"expo_token\":\"" + token + "\""
                + (platform == null ? "" : ",\"platform\":\"" + platform + "\"") + "}";
        return mvc.perform(
                post("/push-tokens").contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
