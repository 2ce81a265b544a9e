package io.pushpipe.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Supabase projects with asymmetric keys: tokens verified through the project's JWKS URL. */
@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwksVerificationTests {

    private static final RSAKey RSA =
            generate(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());
    private static final ECKey EC =
            generate(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate());
    private static final HttpServer JWKS = serve(new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK())));

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void jwks(DynamicPropertyRegistry registry) {
        registry.add(
                "pushpipe.security.jwt.jwk-set-uri",
                () -> "http://localhost:" + JWKS.getAddress().getPort() + "/jwks.json");
    }

    @AfterAll
    static void stop() {
        JWKS.stop(0);
    }

    @Test
    void rs256AndEs256TokensFromTheIssuerAreAccepted() throws JOSEException {
        UUID user = UUID.randomUUID();

        var rs256 = Http.get(port, "/whoami", sign(user, JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(RSA)));
        var es256 = Http.get(port, "/whoami", sign(user, JWSAlgorithm.ES256, "ec-1", new ECDSASigner(EC)));

        assertThat(rs256.statusCode()).isEqualTo(200);
        assertThat(es256.statusCode()).isEqualTo(200);
        assertThat(Http.json(es256).get("name").asString()).isEqualTo(user.toString());
    }

    @Test
    void aKeyTheIssuerDoesNotPublishIsRefused() throws JOSEException {
        RSAKey stranger =
                generate(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());

        var response = Http.get(
                port, "/whoami", sign(UUID.randomUUID(), JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(stranger)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Http.json(response).get("reason").asString()).isEqualTo("bad_signature");
    }

    @Test
    void hs256TokensAreRefusedWhenKeysComeFromJwks() {
        var response = Http.get(port, "/whoami", DevelopmentTokens.user(UUID.randomUUID(), Duration.ofMinutes(5)));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static String sign(UUID user, JWSAlgorithm algorithm, String keyId, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(algorithm)
                        .type(JOSEObjectType.JWT)
                        .keyID(keyId)
                        .build(),
                new JWTClaimsSet.Builder()
                        .subject(user.toString())
                        .audience("authenticated")
                        .claim("role", "authenticated")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static HttpServer serve(JWKSet keys) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            byte[] body = keys.toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <K> K generate(KeySupplier<K> generator) {
        try {
            return generator.get();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface KeySupplier<K> {
        K get() throws JOSEException;
    }
}
