package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Outside the local and test profiles a service refuses tokens anyone could forge, and says what to set. */
@ExtendWith(OutputCaptureExtension.class)
class StartupGuardTests {

    private static final String REAL_SECRET = "a-projects-own-jwt-secret-with-more-than-32-bytes";

    @Test
    void noJwtConfigurationStopsTheStartNamingTheSettings(CapturedOutput output) {
        assertThatThrownBy(() -> start("--spring.profiles.active=production"))
                .hasRootCauseInstanceOf(InsecureConfigurationException.class);

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("No JWT verification is configured")
                .contains("Set PUSHPIPE_SECURITY_JWT_SECRET (pushpipe.security.jwt.secret)")
                .contains("PUSHPIPE_SECURITY_JWT_JWK_SET_URI");
    }

    @Test
    void theDevelopmentSecretStopsTheStart(CapturedOutput output) {
        assertThatThrownBy(() -> start(
                        "--spring.profiles.active=production",
                        "--pushpipe.security.jwt.secret=" + DevelopmentTokens.SECRET))
                .hasRootCauseMessage(
                        "The JWT secret is pushpipe's public development secret: anyone could sign tokens with it.");
        assertThat(output).contains("Set PUSHPIPE_SECURITY_JWT_SECRET");
    }

    @Test
    void aShortSecretStopsTheStart() {
        assertThatThrownBy(() -> start("--spring.profiles.active=production", "--pushpipe.security.jwt.secret=short"))
                .hasRootCauseMessage("The JWT secret has 5 bytes; HS256 needs at least 32.");
    }

    @Test
    void aSecretAndAJwksUrlTogetherStopTheStart() {
        assertThatThrownBy(
                        () -> start(
                                "--spring.profiles.active=production",
                                "--pushpipe.security.jwt.secret=" + REAL_SECRET,
                                "--pushpipe.security.jwt.jwk-set-uri=https://example.supabase.co/auth/v1/.well-known/jwks.json"))
                .hasRootCauseInstanceOf(InsecureConfigurationException.class);
    }

    @Test
    void aProjectSecretStartsAndTheLocalProfileFallsBackToTheDevelopmentSecret() {
        try (ConfigurableApplicationContext production =
                start("--spring.profiles.active=production", "--pushpipe.security.jwt.secret=" + REAL_SECRET)) {
            assertThat(production.isRunning()).isTrue();
        }
        try (ConfigurableApplicationContext local = start("--spring.profiles.active=local")) {
            assertThat(local.isRunning()).isTrue();
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--server.port=0";
        System.arraycopy(args, 0, all, 1, args.length);
        return new SpringApplicationBuilder(SecuredApplication.class).run(all);
    }
}
