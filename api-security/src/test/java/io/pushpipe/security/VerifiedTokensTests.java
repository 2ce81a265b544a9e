package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

class VerifiedTokensTests {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T09:00:00Z"));
    private final CountingVerifier verifier = new CountingVerifier(clock);

    @Test
    void theSameTokenIsVerifiedOnceWhileItIsValid() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofMinutes(5), clock);
        String token = token(UUID.randomUUID(), Duration.ofHours(1));

        Jwt first = tokens.decode(token);
        clock.advance(Duration.ofSeconds(30));
        Jwt again = tokens.decode(token);

        assertThat(again.getSubject()).isEqualTo(first.getSubject());
        assertThat(verifier.verifications()).isEqualTo(1);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItHasExpired() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofMinutes(5), clock);
        String token = token(UUID.randomUUID(), Duration.ofMinutes(1));
        tokens.decode(token);

        clock.advance(Duration.ofMinutes(2));

        assertThatThrownBy(() -> tokens.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aTokenIsVerifiedAgainAfterTheTtlSoThatAWithdrawnKeyStopsWorking() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofMinutes(5), clock);
        String token = token(UUID.randomUUID(), Duration.ofHours(1));
        tokens.decode(token);

        clock.advance(Duration.ofMinutes(6));
        tokens.decode(token);

        assertThat(verifier.verifications()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofMinutes(5), clock);
        String forged = DevelopmentTokens.sign(claims(UUID.randomUUID(), Duration.ofHours(1)), "x".repeat(40));

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);

        assertThat(verifier.verifications()).isEqualTo(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void manyDifferentTokensNeverHoldMoreThanTheCapacity() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 50, Duration.ofMinutes(5), clock);

        for (int i = 0; i < 500; i++) {
            tokens.decode(token(UUID.randomUUID(), Duration.ofHours(1)));
        }

        assertThat(tokens.size()).isBetween(1, 50);
    }

    private String token(UUID user, Duration validity) {
        return DevelopmentTokens.sign(claims(user, validity));
    }

    private JWTClaimsSet claims(UUID user, Duration validity) {
        return new JWTClaimsSet.Builder()
                .subject(user.toString())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plus(validity)))
                .build();
    }

    /** The real HS256 verification with the expiry checked against the test's clock, counting its calls. */
    private static final class CountingVerifier implements JwtDecoder {

        private final NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(
                        new SecretKeySpec(DevelopmentTokens.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        private final AtomicInteger calls = new AtomicInteger();

        CountingVerifier(Clock clock) {
            JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
            expiry.setClock(clock);
            decoder.setJwtValidator(expiry);
        }

        @Override
        public Jwt decode(String token) {
            calls.incrementAndGet();
            return decoder.decode(token);
        }

        int verifications() {
            return calls.get();
        }
    }

    private static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
