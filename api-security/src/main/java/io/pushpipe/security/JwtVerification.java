package io.pushpipe.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.StringUtils;

/**
 * Builds the token decoder from {@code pushpipe.security.jwt}, and refuses configurations that would let
 * anyone forge a token: none at all, or the public development secret, outside the {@code local} and {@code
 * test} profiles.
 */
final class JwtVerification {

    private static final Logger log = LoggerFactory.getLogger(JwtVerification.class);
    private static final int MIN_SECRET_BYTES = 32;
    private static final String SECRET_SETTING = "PUSHPIPE_SECURITY_JWT_SECRET (pushpipe.security.jwt.secret)";
    private static final String JWKS_SETTING = "PUSHPIPE_SECURITY_JWT_JWK_SET_URI (pushpipe.security.jwt.jwk-set-uri)";

    private JwtVerification() {}

    static JwtDecoder decoder(ApiSecurityProperties.Jwt settings, Environment environment) {
        boolean development = environment.matchesProfiles("local | test");
        boolean hasSecret = StringUtils.hasText(settings.secret());
        NimbusJwtDecoder decoder;
        if (settings.jwkSetUri() != null) {
            if (hasSecret) {
                throw new InsecureConfigurationException(
                        "Both a JWT secret and a JWKS URL are set, so it is unclear which tokens to trust.",
                        "Set only one: " + SECRET_SETTING + " for HS256 tokens, or " + JWKS_SETTING
                                + " for RS256/ES256 tokens.");
            }
            decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri().toString())
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .jwsAlgorithm(SignatureAlgorithm.ES256)
                    .build();
        } else {
            decoder = NimbusJwtDecoder.withSecretKey(
                            new SecretKeySpec(secret(settings, hasSecret, development), "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256)
                    .build();
        }
        decoder.setJwtValidator(validator(settings));
        return decoder;
    }

    private static byte[] secret(ApiSecurityProperties.Jwt settings, boolean hasSecret, boolean development) {
        if (!hasSecret) {
            if (!development) {
                throw new InsecureConfigurationException(
                        "No JWT verification is configured, so no caller could be authenticated.",
                        "Set " + SECRET_SETTING + " to your Supabase project's JWT secret (Project Settings > API),"
                                + " or " + JWKS_SETTING + " to https://<project>.supabase.co/auth/v1/.well-known/"
                                + "jwks.json. Only the local and test profiles fall back to the development secret.");
            }
            log.warn("🔓 Accepting tokens signed with the public development secret (profile local or test)");
            return DevelopmentTokens.SECRET.getBytes(StandardCharsets.UTF_8);
        }
        if (settings.secret().equals(DevelopmentTokens.SECRET) && !development) {
            throw new InsecureConfigurationException(
                    "The JWT secret is pushpipe's public development secret: anyone could sign tokens with it.",
                    "Set " + SECRET_SETTING + " to your Supabase project's JWT secret, or use the local profile"
                            + " (SPRING_PROFILES_ACTIVE=local) on a developer machine.");
        }
        byte[] secret = settings.secret().getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_BYTES) {
            throw new InsecureConfigurationException(
                    "The JWT secret has " + secret.length + " bytes; HS256 needs at least " + MIN_SECRET_BYTES + ".",
                    "Set " + SECRET_SETTING + " to your Supabase project's JWT secret (it is longer).");
        }
        return secret;
    }

    private static OAuth2TokenValidator<Jwt> validator(ApiSecurityProperties.Jwt settings) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(settings.clockSkew()));
        validators.add(jwt -> jwt.getExpiresAt() == null ? failure("The token has no expiry (exp).") : ok());
        validators.add(jwt -> audience(jwt, settings));
        validators.add(jwt -> Roles.problem(jwt, settings.roleClaim())
                .map(JwtVerification::failure)
                .orElseGet(JwtVerification::ok));
        if (StringUtils.hasText(settings.issuer())) {
            validators.add(new JwtIssuerValidator(settings.issuer()));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /** Users' tokens must be meant for us; Supabase's service key carries no audience at all. */
    private static OAuth2TokenValidatorResult audience(Jwt jwt, ApiSecurityProperties.Jwt settings) {
        List<String> audience = jwt.getAudience();
        if (audience == null || audience.isEmpty()) {
            return Roles.of(jwt, settings.roleClaim())
                            .filter(Roles.SERVICE_ROLE::equals)
                            .isPresent()
                    ? ok()
                    : failure("The token has no audience; it must be issued for '" + settings.audience() + "'.");
        }
        return audience.contains(settings.audience())
                ? ok()
                : failure("The token's audience " + audience + " does not include '" + settings.audience() + "'.");
    }

    private static OAuth2TokenValidatorResult ok() {
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }
}
