package io.pushpipe.messageservice.message;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jwt.JWTClaimsSet;
import io.pushpipe.messageservice.IntegrationTest;
import io.pushpipe.security.DevelopmentTokens;
import io.pushpipe.testsupport.TestTokens;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The kind claim's path and the rules per kind are settings: a project with its own claim and kinds. */
@TestPropertySource(
        properties = {
            "pushpipe.security.jwt.kind-claim=claims.account_type",
            "pushpipe.senders.kinds.recruiter=zoom_link, form_link",
            "pushpipe.senders.without-kind=text"
        })
class SenderRuleSettingsTests extends IntegrationTest {

    private final UUID receiver = UUID.randomUUID();

    @Autowired
    MockMvc mvc;

    @Test
    void aKindReadFromTheConfiguredClaimSendsTheConfiguredTypes() throws Exception {
        UUID recruiter = UUID.randomUUID();
        String token = token(recruiter, "Recruiter");

        send(token, recruiter, "zoom_link").andExpect(status().isCreated());
        send(token, recruiter, "form_link").andExpect(status().isCreated());
        send(token, recruiter, "text")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail")
                        .value("Users of kind 'recruiter' (pushpipe.senders.kinds.recruiter) may send zoom_link,"
                                + " form_link, not text. The portal's back end (service_role) may send it for you."));
    }

    @Test
    void aTokenWithoutTheConfiguredClaimGetsTheRuleForUsersWithoutAKind() throws Exception {
        UUID employer = UUID.randomUUID();
        // app_metadata.user_kind is not the configured claim any more
        String employerByTheDefaultClaim = TestTokens.employer(employer);

        send(employerByTheDefaultClaim, employer, "text").andExpect(status().isCreated());
        send(employerByTheDefaultClaim, employer, "zoom_link")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail")
                        .value("Your token has no claims.account_type, and users without a kind"
                                + " (pushpipe.senders.without-kind) may send text, not zoom_link. The portal's back end"
                                + " (service_role) may send it for you."));
    }

    private static String token(UUID user, String accountType) {
        return "Bearer "
                + DevelopmentTokens.sign(new JWTClaimsSet.Builder()
                        .subject(user.toString())
                        .audience("authenticated")
                        .claim("role", "authenticated")
                        .claim("claims", Map.of("account_type", accountType))
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
    }

    private ResultActions send(String token, UUID sender, String type) throws Exception {
        return mvc.perform(post("/message/send-message")
                .header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .content("""
                        {"sender_id": "%s", "receiver_id": "%s", "message_type": "%s", "content": "Hello"}
                        """.formatted(sender, receiver, type)));
    }
}
