package io.pushpipe.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
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
 * anyone forge a token: none at all, or the public development secret without the development switch ({@code
 * pushpipe.security.allow-development-secret}). Profiles play no part: a staging box that runs with profile
 * {@code test} must not accept forged tokens.
 */
final class JwtVerification {

    private static final Logger log = LoggerFactory.getLogger(JwtVerification.class);
    private static final int MIN_SECRET_BYTES = 32;
    private static final String SECRET_SETTING = "PUSHPIPE_SECURITY_JWT_SECRET (pushpipe.security.jwt.secret)";
    private static final String JWKS_SETTING = "PUSHPIPE_SECURITY_JWT_JWK_SET_URI (pushpipe.security.jwt.jwk-set-uri)";
    private static final String SWITCH = "pushpipe.security.allow-development-secret";
    private static final String SWITCH_SETTING = "PUSHPIPE_SECURITY_ALLOW_DEVELOPMENT_SECRET=true (" + SWITCH + ")";

    private JwtVerification() {}

    static JwtDecoder decoder(ApiSecurityProperties properties, Environment environment) {
        ApiSecurityProperties.Jwt settings = properties.jwt();
        Development development = new Development(properties.allowDevelopmentSecret(), environment);
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
        return settings.verifiedCache() > 0
                ? new VerifiedTokens(decoder, settings.verifiedCache(), settings.verifiedCacheTtl(), Clock.systemUTC())
                : decoder;
    }

    private static byte[] secret(ApiSecurityProperties.Jwt settings, boolean hasSecret, Development development) {
        if (!hasSecret || settings.secret().equals(DevelopmentTokens.SECRET)) {
            if (!development.allowed()) {
                throw new InsecureConfigurationException(
                        hasSecret
                                ? "The JWT secret is pushpipe's public development secret: anyone could sign tokens"
                                        + " with it."
                                : "No JWT verification is configured, so no caller could be authenticated.",
                        "Set " + SECRET_SETTING + " to your Supabase project's JWT secret (Project Settings > API),"
                                + " or " + JWKS_SETTING + " to https://<project>.supabase.co/auth/v1/.well-known/"
                                + "jwks.json. Only on a developer machine, " + SWITCH_SETTING + " accepts the public"
                                + " development secret" + development.profileNote() + ".");
            }
            log.warn(
                    "🔓 Accepting tokens signed with the public development secret, because {} is true (set by {})."
                            + " Never set it outside a developer machine or a test.",
                    SWITCH,
                    development.origin());
            return DevelopmentTokens.SECRET.getBytes(StandardCharsets.UTF_8);
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

    /** The development switch, and where it was set: the warning names the file, variable or argument. */
    private record Development(boolean allowed, Environment environment) {

        String origin() {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(SWITCH);
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                ConfigurationProperty property = source.getConfigurationProperty(name);
                if (property != null) {
                    return String.valueOf(property.getOrigin() != null ? property.getOrigin() : source);
                }
            }
            return "an unknown source";
        }

        /** Profiles used to turn the development secret on: say so to whoever still relies on them. */
        String profileNote() {
            return environment.matchesProfiles("local | test")
                    ? " (the local and test profiles no longer do: " + SWITCH + " is " + allowed + ")"
                    : "";
        }
    }

    private static OAuth2TokenValidatorResult ok() {
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }
}
