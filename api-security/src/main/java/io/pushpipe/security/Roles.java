package io.pushpipe.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The roles a caller can have, and how a token names its role. A token carries exactly one role: a string
 * with one word, or a list with one element. A token whose role claim names several roles is refused (401
 * {@code invalid_role}) rather than split into several authorities, so the authority Spring Security checks
 * and the role {@link Caller} reports are always the same.
 */
public final class Roles {

    /** A signed-in Supabase user. */
    public static final String AUTHENTICATED = "authenticated";

    /** The back end (Supabase's service key) and operators: may act for any user. */
    public static final String SERVICE_ROLE = "service_role";

    private Roles() {}

    /** The token's one role; empty when the claim is absent or does not name exactly one role. */
    static Optional<String> of(Jwt jwt, String claim) {
        List<String> roles = names(jwt.getClaim(claim));
        return roles != null && roles.size() == 1 ? Optional.of(roles.get(0)) : Optional.empty();
    }

    /** Why the token's role claim is refused; empty when it names one role or is absent. */
    static Optional<String> problem(Jwt jwt, String claim) {
        List<String> roles = names(jwt.getClaim(claim));
        if (roles == null) {
            return Optional.of("The token's role claim '" + claim + "' is not a role name; pushpipe needs exactly"
                    + " one role per token.");
        }
        if (roles.size() > 1) {
            return Optional.of("The token's role claim '" + claim + "' holds " + roles.size() + " roles ("
                    + String.join(" ", roles) + "); pushpipe needs exactly one role per token.");
        }
        return Optional.empty();
    }

    /** The words of a string claim or of a list of strings (the two shapes a role claim takes); null otherwise. */
    private static List<String> names(Object claim) {
        if (claim == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Object item : claim instanceof Collection<?> list ? list : List.of(claim)) {
            if (!(item instanceof String text)) {
                return null;
            }
            for (String word : text.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    names.add(word);
                }
            }
        }
        return names;
    }
}
