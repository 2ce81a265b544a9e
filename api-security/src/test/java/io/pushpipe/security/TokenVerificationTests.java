package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenVerificationTests {

    private static final UUID USER = UUID.randomUUID();

    @LocalServerPort
    int port;

    @Test
    void aSignedInUsersTokenIdentifiesTheCaller() {
        HttpResponse<String> response = Http.get(port, "/whoami", DevelopmentTokens.user(USER, Duration.ofMinutes(5)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).get("name").asString()).isEqualTo(USER.toString());
        assertThat(Http.json(response).get("role").asString()).isEqualTo("authenticated");
    }

    @Test
    void aServiceKeyWithoutSubjectOrAudienceIsAccepted() {
        HttpResponse<String> response =
                Http.get(port, "/admin/secrets", DevelopmentTokens.serviceRole(Duration.ofMinutes(5)));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void noTokenIsRefusedWith401SayingHowToAuthenticate() {
        HttpResponse<String> response = Http.get(port, "/whoami", null);

        assertUnauthorized(response, "missing_token");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"pushpipe\"");
        assertThat(Http.json(response).get("detail").asString()).contains("Authorization: Bearer <token>");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = DevelopmentTokens.sign(
                userClaims().issueTime(at(-7200)).expirationTime(at(-3600)).build());

        HttpResponse<String> response = Http.get(port, "/whoami", token);

        assertUnauthorized(response, "token_expired");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\"");
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        String token = DevelopmentTokens.sign(
                userClaims().notBeforeTime(at(3600)).expirationTime(at(7200)).build());

        assertUnauthorized(Http.get(port, "/whoami", token), "token_not_yet_valid");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        String token = DevelopmentTokens.sign(
                userClaims().audience("some-other-api").expirationTime(at(600)).build());

        HttpResponse<String> response = Http.get(port, "/whoami", token);

        assertUnauthorized(response, "wrong_audience");
        assertThat(Http.json(response).get("detail").asString()).contains("some-other-api", "'authenticated'");
    }

    @Test
    void aUserTokenWithoutAudienceIsRefused() {
        String token = DevelopmentTokens.sign(
                userClaims().audience((String) null).expirationTime(at(600)).build());

        assertUnauthorized(Http.get(port, "/whoami", token), "wrong_audience");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        String token = DevelopmentTokens.sign(
                userClaims().expirationTime(at(600)).build(), "an-attackers-secret-that-is-long-enough-for-hs256");

        assertUnauthorized(Http.get(port, "/whoami", token), "bad_signature");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        String token = DevelopmentTokens.sign(userClaims().build());

        HttpResponse<String> response = Http.get(port, "/whoami", token);

        assertUnauthorized(response, "invalid_token");
        assertThat(Http.json(response).get("detail").asString()).contains("no expiry");
    }

    @Test
    void anUnsignedOrMangledTokenIsRefused() {
        String signed = DevelopmentTokens.user(USER, Duration.ofMinutes(5));
        String unsigned = "eyJhbGciOiJub25lIn0." + signed.split("\\.")[1] + ".";

        assertUnauthorized(Http.get(port, "/whoami", unsigned), "invalid_token");
        HttpResponse<String> garbage = Http.get(port, "/whoami", "not-a-jwt");
        assertUnauthorized(garbage, "invalid_token");
        assertThat(Http.json(garbage).get("detail").asString())
                .isEqualTo("The bearer token was refused: An error occurred while attempting to decode the Jwt:"
                        + " Malformed token. Sign in again to get a fresh Supabase access token, and send it as"
                        + " 'Authorization: Bearer <token>'.");
    }

    @Test
    void aUserOnAnOperatorsEndpointGets403NamingTheRole() {
        HttpResponse<String> response =
                Http.get(port, "/admin/secrets", DevelopmentTokens.user(USER, Duration.ofMinutes(5)));

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode problem = Http.json(response);
        assertThat(problem.get("missing_permission").asString()).isEqualTo("role service_role");
        assertThat(problem.get("detail").asString())
                .isEqualTo("GET /admin/secrets needs the role service_role; your token's role is 'authenticated'.");
    }

    @Test
    void theAnonymousKeyMayDoNothing() {
        String anon = DevelopmentTokens.sign(new JWTClaimsSet.Builder()
                .claim("role", "anon")
                .audience("authenticated")
                .expirationTime(at(600))
                .build());

        HttpResponse<String> response = Http.get(port, "/whoami", anon);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Http.json(response).get("missing_permission").asString())
                .isEqualTo("role authenticated or service_role");
    }

    @Test
    void aTokenNamingSeveralRolesIsRefusedRatherThanGrantedEachOfThem() {
        String spaceSeparated = DevelopmentTokens.sign(userClaims()
                .claim("role", "authenticated service_role")
                .expirationTime(at(600))
                .build());
        String list = DevelopmentTokens.sign(userClaims()
                .claim("role", List.of("authenticated", "service_role"))
                .expirationTime(at(600))
                .build());

        HttpResponse<String> response = Http.get(port, "/admin/secrets", spaceSeparated);

        assertUnauthorized(response, "invalid_role");
        assertThat(Http.json(response).get("detail").asString())
                .contains("The token's role claim 'role' holds 2 roles (authenticated service_role); pushpipe needs"
                        + " exactly one role per token.");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\"");
        assertUnauthorized(Http.get(port, "/admin/secrets", list), "invalid_role");
        assertUnauthorized(Http.get(port, "/whoami", list), "invalid_role");
    }

    @Test
    void aRoleListWithOneRoleIsThatRoleBothForTheUrlRulesAndForTheCaller() {
        String serviceKey = DevelopmentTokens.sign(new JWTClaimsSet.Builder()
                .claim("role", List.of("service_role"))
                .expirationTime(at(600))
                .build());

        HttpResponse<String> whoami = Http.get(port, "/whoami", serviceKey);

        assertThat(Http.get(port, "/admin/secrets", serviceKey).statusCode()).isEqualTo(200);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(Http.json(whoami).get("role").asString()).isEqualTo("service_role");
    }

    @Test
    void aUserMayActOnlyForThemself() {
        String token = DevelopmentTokens.user(USER, Duration.ofMinutes(5));
        UUID someoneElse = UUID.randomUUID();

        HttpResponse<String> own = Http.post(port, "/users/" + USER + "/things", token);
        HttpResponse<String> other = Http.post(port, "/users/" + someoneElse + "/things", token);
        HttpResponse<String> backEnd = Http.post(
                port, "/users/" + someoneElse + "/things", DevelopmentTokens.serviceRole(Duration.ofMinutes(5)));

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(backEnd.statusCode()).isEqualTo(200);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Http.json(other).get("missing_permission").asString()).isEqualTo("act for another user");
        assertThat(Http.json(other).get("detail").asString()).contains(USER.toString(), someoneElse.toString());
    }

    @Test
    void healthAndApiDocsNeedNoToken() {
        assertThat(Http.get(port, "/actuator/health", null).statusCode()).isEqualTo(200);
    }

    private static void assertUnauthorized(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        JsonNode problem = Http.json(response);
        assertThat(problem.get("reason").asString()).isEqualTo(reason);
        assertThat(problem.get("title").asString()).isEqualTo("Unauthorized");
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    private static JWTClaimsSet.Builder userClaims() {
        return new JWTClaimsSet.Builder()
                .subject(USER.toString())
                .audience("authenticated")
                .claim("role", "authenticated");
    }

    private static Date at(long secondsFromNow) {
        return Date.from(Instant.now().plusSeconds(secondsFromNow));
    }
}
