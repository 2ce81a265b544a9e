package io.pushpipe.testsupport;

import io.pushpipe.security.DevelopmentTokens;
import java.time.Duration;
import java.util.UUID;

/** Bearer tokens the test JVMs accept (their development switch is on), as {@code Authorization} header values. */
public final class TestTokens {

    private static final String SERVICE_ROLE = DevelopmentTokens.serviceRole(Duration.ofDays(1));

    private TestTokens() {}

    /** The portal's back end or an operator: may do everything. */
    public static String serviceRole() {
        return "Bearer " + SERVICE_ROLE;
    }

    /** A signed-in user of the app or the portal whose token names no kind: may send no messages. */
    public static String user(UUID userId) {
        return "Bearer " + DevelopmentTokens.user(userId, Duration.ofHours(1));
    }

    /** A signed-in employer (kind {@code employer}): may send every message type. */
    public static String employer(UUID userId) {
        return "Bearer " + DevelopmentTokens.employer(userId, Duration.ofHours(1));
    }

    /** A signed-in candidate (kind {@code candidate}): may send text messages. */
    public static String candidate(UUID userId) {
        return "Bearer " + DevelopmentTokens.candidate(userId, Duration.ofHours(1));
    }

    /** A Supabase anonymous sign-in ({@code is_anonymous: true}): may send no messages. */
    public static String anonymous(UUID userId) {
        return "Bearer " + DevelopmentTokens.anonymous(userId, Duration.ofHours(1));
    }
}
