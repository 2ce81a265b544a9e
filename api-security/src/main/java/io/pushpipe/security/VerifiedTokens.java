package io.pushpipe.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Remembers the tokens it has verified, so that a caller who sends the same token on every request (the
 * portal's back end with its service key, an app between refreshes) pays for one signature check, not one
 * per request. A token is remembered only once the verifier accepted it, and at most until its {@code exp}
 * and for {@code ttl}; after that it is verified again, so an expired token is refused as before, and a key
 * withdrawn from the issuer's JWKS stops working within {@code ttl}. At {@code capacity} tokens the expired
 * ones are dropped, or all of them if none has expired: memory stays bounded whatever callers send.
 */
final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder verifier;
    private final int capacity;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    VerifiedTokens(JwtDecoder verifier, int capacity, Duration ttl, Clock clock) {
        this.verifier = verifier;
        this.capacity = capacity;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) {
        Instant now = clock.instant();
        Verified known = verified.get(token);
        if (known != null && now.isBefore(known.until())) {
            return known.jwt();
        }
        Jwt jwt = verifier.decode(token);
        remember(token, jwt, now);
        return jwt;
    }

    /** How many tokens are remembered now. */
    int size() {
        return verified.size();
    }

    private void remember(String token, Jwt jwt, Instant now) {
        Instant until = now.plus(ttl);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        if (verified.size() >= capacity) {
            verified.values().removeIf(entry -> !now.isBefore(entry.until()));
            if (verified.size() >= capacity) {
                verified.clear();
            }
        }
        verified.put(token, new Verified(jwt, until));
    }

    private record Verified(Jwt jwt, Instant until) {}
}
