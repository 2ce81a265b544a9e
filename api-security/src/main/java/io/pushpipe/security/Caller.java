package io.pushpipe.security;

import io.pushpipe.problems.ForbiddenException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The verified caller of a request: a controller declares a {@code Caller} parameter to get it.
 *
 * @param subject the token's {@code sub}, empty for a service key
 * @param role the token's role ({@code authenticated}, {@code service_role}, ...)
 * @param kind what kind of user this is ({@code employer}, {@code candidate}, ...), from the claim at {@code
 *     pushpipe.security.jwt.kind-claim}; empty when the token names none. Services decide what each kind may do
 * @param anonymous whether this is a Supabase anonymous user ({@code is_anonymous: true}): signed in, but
 *     nobody in particular
 */
public record Caller(Optional<String> subject, String role, Optional<String> kind, boolean anonymous) {

    /** The claim Supabase sets on the tokens of anonymous sign-ins. */
    static final String ANONYMOUS_CLAIM = "is_anonymous";

    /** The caller of the request in progress; empty when it carried no valid bearer token. */
    static Optional<Caller> current(ApiSecurityProperties.Jwt claims) {
        return SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token
                ? Optional.of(of(token.getToken(), claims))
                : Optional.empty();
    }

    private static Caller of(Jwt jwt, ApiSecurityProperties.Jwt claims) {
        return new Caller(
                Optional.ofNullable(jwt.getSubject()),
                Roles.of(jwt, claims.roleClaim()).orElse(""),
                text(jwt, claims.kindClaim()),
                Boolean.TRUE.equals(jwt.getClaims().get(ANONYMOUS_CLAIM))
                        || "true".equals(jwt.getClaims().get(ANONYMOUS_CLAIM)));
    }

    /** The text at a dotted claim path such as {@code app_metadata.user_kind}; empty for anything else. */
    private static Optional<String> text(Jwt jwt, String path) {
        Object value = jwt.getClaims();
        for (String name : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> claims)) {
                return Optional.empty();
            }
            value = claims.get(name);
        }
        return value instanceof String text && !text.isBlank() ? Optional.of(text.trim()) : Optional.empty();
    }

    public boolean isServiceRole() {
        return Roles.SERVICE_ROLE.equals(role);
    }

    /** Whether the caller is this user, or the back end acting for any user. */
    public boolean mayActFor(UUID userId) {
        return isServiceRole()
                || subject.filter(userId.toString()::equalsIgnoreCase).isPresent();
    }

    /**
     * Refuses with 403 unless the caller is this user or {@code service_role}.
     *
     * @param field the request field that names the user, for the answer
     */
    public void requireActingFor(UUID userId, String field) {
        if (!mayActFor(userId)) {
            throw new ForbiddenException(
                    "act for another user",
                    "Your token's subject (" + subject.orElse("none") + ") is not " + field + " " + userId
                            + ". Only the user themself, or the back end with the service_role role, may do this.");
        }
    }

    /** How audit records name the caller: the subject, else the role. */
    public String name() {
        return subject.orElse(role);
    }
}
