package io.pushpipe.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens shaped like Supabase's, signed with the well-known development secret that a service accepts only
 * with the development switch {@code pushpipe.security.allow-development-secret=true}: the local stack prints
 * them, the tests and the benchmark use them.
 */
public final class DevelopmentTokens {

    /** Public on purpose: without the development switch a service refuses to start with it. */
    public static final String SECRET = "pushpipe-local-development-secret-do-not-use-in-production";

    private static final String ISSUER = "pushpipe-local";

    private DevelopmentTokens() {}

    /** A signed-in user's access token, as Supabase Auth issues it without a custom claim: no kind. */
    public static String user(UUID userId, Duration validity) {
        return sign(userClaims(userId, validity).build());
    }

    /** A demo employer's access token: kind {@code employer} in {@code app_metadata.user_kind}. */
    public static String employer(UUID userId, Duration validity) {
        return user(userId, "employer", validity);
    }

    /** A demo candidate's access token: kind {@code candidate} in {@code app_metadata.user_kind}. */
    public static String candidate(UUID userId, Duration validity) {
        return user(userId, "candidate", validity);
    }

    /**
     * A signed-in user's access token whose {@code app_metadata.user_kind} (the default kind claim) is {@code
     * kind}, as a Supabase custom access token hook would set it.
     */
    public static String user(UUID userId, String kind, Duration validity) {
        return sign(userClaims(userId, validity)
                .claim("app_metadata", Map.of("provider", "email", "user_kind", kind))
                .build());
    }

    /** An anonymous sign-in's access token: role {@code authenticated}, but {@code is_anonymous: true}. */
    public static String anonymous(UUID userId, Duration validity) {
        return sign(userClaims(userId, validity)
                .claim("app_metadata", Map.of("provider", "anonymous"))
                .claim(Caller.ANONYMOUS_CLAIM, true)
                .build());
    }

    /** A back-end key like Supabase's service key: role {@code service_role}, no subject, no audience. */
    public static String serviceRole(Duration validity) {
        return sign(new JWTClaimsSet.Builder()
                .claim("role", Roles.SERVICE_ROLE)
                .issuer(ISSUER)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(validity)))
                .build());
    }

    private static JWTClaimsSet.Builder userClaims(UUID userId, Duration validity) {
        return new JWTClaimsSet.Builder()
                .subject(userId.toString())
                .audience(Roles.AUTHENTICATED)
                .claim("role", Roles.AUTHENTICATED)
                .issuer(ISSUER)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(validity)));
    }

    /** Signs any claims with {@link #SECRET}: the tests build expired, early and wrong-audience tokens. */
    public static String sign(JWTClaimsSet claims) {
        return sign(claims, SECRET);
    }

    /** Signs the claims with HS256 and the given secret. */
    public static String sign(JWTClaimsSet claims, String secret) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
