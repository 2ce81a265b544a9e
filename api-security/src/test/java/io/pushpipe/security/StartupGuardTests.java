package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Without the development switch a service refuses tokens anyone could forge, whatever its profile, and says
 * what to set. The test JVMs turn the switch on (a system property from the parent POM), so these tests turn
 * it off on the command line, which wins over system properties.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupGuardTests {

    private static final String REAL_SECRET = "a-projects-own-jwt-secret-with-more-than-32-bytes";
    private static final String SWITCH_OFF = "--pushpipe.security.allow-development-secret=false";

    @Test
    void noJwtConfigurationStopsTheStartNamingTheSettings(CapturedOutput output) {
        assertThatThrownBy(() -> start(SWITCH_OFF, "--spring.profiles.active=production"))
                .hasRootCauseInstanceOf(InsecureConfigurationException.class);

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("No JWT verification is configured")
                .contains("Set PUSHPIPE_SECURITY_JWT_SECRET (pushpipe.security.jwt.secret)")
                .contains("PUSHPIPE_SECURITY_JWT_JWK_SET_URI");
    }

    @Test
    void theTestProfileWithoutTheSwitchAndWithoutASecretStopsTheStart(CapturedOutput output) {
        assertThatThrownBy(() -> start(SWITCH_OFF, "--spring.profiles.active=test"))
                .hasRootCauseMessage("No JWT verification is configured, so no caller could be authenticated.");

        assertThat(output)
                .contains("Only on a developer machine, PUSHPIPE_SECURITY_ALLOW_DEVELOPMENT_SECRET=true"
                        + " (pushpipe.security.allow-development-secret) accepts the public development secret"
                        + " (the local and test profiles no longer do: pushpipe.security.allow-development-secret"
                        + " is false).");
    }

    @Test
    void theDevelopmentSecretStopsTheStartEvenInTheLocalProfile(CapturedOutput output) {
        assertThatThrownBy(() -> start(
                        SWITCH_OFF,
                        "--spring.profiles.active=local",
                        "--pushpipe.security.jwt.secret=" + DevelopmentTokens.SECRET))
                .hasRootCauseMessage(
                        "The JWT secret is pushpipe's public development secret: anyone could sign tokens with it.");
        assertThat(output).contains("Set PUSHPIPE_SECURITY_JWT_SECRET");
    }

    @Test
    void aShortSecretStopsTheStart() {
        assertThatThrownBy(() -> start(
                        SWITCH_OFF, "--spring.profiles.active=production", "--pushpipe.security.jwt.secret=short"))
                .hasRootCauseMessage("The JWT secret has 5 bytes; HS256 needs at least 32.");
    }

    @Test
    void aSecretAndAJwksUrlTogetherStopTheStart() {
        assertThatThrownBy(
                        () -> start(
                                SWITCH_OFF,
                                "--spring.profiles.active=production",
                                "--pushpipe.security.jwt.secret=" + REAL_SECRET,
                                "--pushpipe.security.jwt.jwk-set-uri=https://example.supabase.co/auth/v1/.well-known/jwks.json"))
                .hasRootCauseInstanceOf(InsecureConfigurationException.class);
    }

    @Test
    void aProjectSecretStartsWithoutTheSwitchAndRefusesDevelopmentTokens() {
        try (ConfigurableApplicationContext production = start(
                SWITCH_OFF, "--spring.profiles.active=production", "--pushpipe.security.jwt.secret=" + REAL_SECRET)) {
            assertThat(production.isRunning()).isTrue();
            assertThatThrownBy(() -> production
                            .getBean(JwtDecoder.class)
                            .decode(DevelopmentTokens.user(UUID.randomUUID(), Duration.ofMinutes(5))))
                    .hasMessageContaining("Invalid signature");
        }
    }

    @Test
    void theSwitchAloneAcceptsDevelopmentTokensAndTheLogSaysWhereItWasTurnedOn(CapturedOutput output) {
        try (ConfigurableApplicationContext development = start("--pushpipe.security.allow-development-secret=true")) {
            String token = DevelopmentTokens.user(UUID.randomUUID(), Duration.ofMinutes(5));

            assertThat(development.getBean(JwtDecoder.class).decode(token).getSubject())
                    .isNotBlank();
        }
        assertThat(output)
                .contains("Accepting tokens signed with the public development secret, because"
                        + " pushpipe.security.allow-development-secret is true (set by")
                .contains("commandLineArgs");
    }

    private static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--server.port=0";
        System.arraycopy(args, 0, all, 1, args.length);
        return new SpringApplicationBuilder(SecuredApplication.class).run(all);
    }
}
