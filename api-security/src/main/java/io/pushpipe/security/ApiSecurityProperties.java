package io.pushpipe.security;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How bearer tokens are verified and how fast one caller may post.
 *
 * @param jwt the token verification
 * @param rateLimit the per-caller limit on POST requests
 * @param allowDevelopmentSecret the development switch: whether tokens signed with the public {@link
 *     DevelopmentTokens#SECRET} are accepted. Only the local stack and the test JVMs set it; no profile turns it
 *     on, so a staging box with profile {@code test} still needs its own secret
 */
@ConfigurationProperties("pushpipe.security")
public record ApiSecurityProperties(
        @DefaultValue Jwt jwt,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue("false") boolean allowDevelopmentSecret) {

    /**
     * Exactly one of {@code secret} and {@code jwkSetUri} is set; with neither, a service refuses to start
     * unless {@code allow-development-secret} is on, when it uses {@link DevelopmentTokens#SECRET}.
     *
     * @param secret the Supabase project's JWT secret (HS256), at least 32 bytes
     * @param jwkSetUri the JWKS URL of the issuer's public keys (RS256 or ES256), for example {@code
     *     https://<project>.supabase.co/auth/v1/.well-known/jwks.json}
     * @param audience the {@code aud} a token must carry; Supabase signs users' tokens for {@code authenticated}.
     *     A token without {@code aud} is accepted only with the {@code service_role} role, like Supabase's
     *     service key
     * @param issuer when set, the {@code iss} a token must carry
     * @param roleClaim the claim that holds the caller's role
     * @param kindClaim the claim that says what kind of user the caller is ({@code employer}, {@code candidate}),
     *     as a dotted path into the token: Supabase keeps custom claims in {@code app_metadata}, which only the
     *     back end and auth hooks can write (unlike {@code user_metadata}, which users edit themselves)
     * @param clockSkew how far the clocks of the issuer and this service may disagree
     * @param verifiedCache how many verified tokens are remembered, so that the portal's service key is not
     *     verified again on every request; 0 verifies every request
     * @param verifiedCacheTtl how long a verified token is remembered at most (never past its {@code exp})
     */
    public record Jwt(
            String secret,
            URI jwkSetUri,
            @DefaultValue("authenticated") String audience,
            String issuer,
            @DefaultValue("role") String roleClaim,
            @DefaultValue("app_metadata.user_kind") String kindClaim,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("10000") int verifiedCache,
            @DefaultValue("5m") Duration verifiedCacheTtl) {}

    /**
     * A token bucket per caller (the token's {@code sub}) for POST requests.
     *
     * @param requestsPerSecond the sustained rate; 0 switches the limit off
     * @param burst how many requests a caller may make at once after a quiet spell
     * @param exemptServiceRole whether {@code service_role} callers (the portal's back end, operators) are exempt
     */
    public record RateLimit(
            @DefaultValue("10") double requestsPerSecond,
            @DefaultValue("30") int burst,
            @DefaultValue("true") boolean exemptServiceRole) {}
}
