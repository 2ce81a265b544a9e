package io.pushpipe.notificationservice.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code push_tokens} table: which devices receive which user's notifications. */
@Component
public class TokenRegistry {

    private static final String COLUMNS = """
            user_id, expo_token, platform, active, created_at, last_registered_at, deactivated_at,
            deactivation_reason, throttled_until
            """;

    private static final String REGISTER = """
            insert into push_tokens (user_id, expo_token, platform)
            values (:userId, :token, :platform)
            on conflict (expo_token) do update
            set user_id = excluded.user_id,
                platform = coalesce(excluded.platform, push_tokens.platform),
                active = true,
                last_registered_at = now(),
                deactivated_at = null,
                deactivation_reason = null
            returning (xmax = 0) as inserted,
            """ + COLUMNS;

    private static final String ACTIVE_TOKENS_OF_USERS = """
            select user_id, expo_token, coalesce(throttled_until > now(), false) as throttled
            from push_tokens
            where active and user_id in (:userIds)
            order by id
            """;

    private static final String THROTTLE = """
            update push_tokens set throttled_until = :until where active and expo_token in (:tokens)
            """;

    private static final String TOKENS_OF_USER = "select " + COLUMNS + """
            from push_tokens
            where user_id = :userId
            order by id
            """;

    private static final String DEACTIVATE = """
            update push_tokens
            set active = false, deactivated_at = now(), deactivation_reason = :reason
            where active and expo_token in (:tokens)
            """;

    private final JdbcClient jdbc;

    TokenRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Registers the token for the user: new, moved from another user, or re-activated.
     *
     * @return the token, and whether it was new
     */
    Registration register(UUID userId, String expoToken, String platform) {
        return jdbc.sql(REGISTER)
                .param("userId", userId)
                .param("token", expoToken)
                .param("platform", platform)
                .query((rs, row) -> new Registration(toPushToken(rs, row), rs.getBoolean("inserted")))
                .single();
    }

    List<PushToken> tokensOf(UUID userId) {
        return jdbc.sql(TOKENS_OF_USER)
                .param("userId", userId)
                .query(TokenRegistry::toPushToken)
                .list();
    }

    /** The user the token is registered for, active or not. */
    Optional<UUID> ownerOf(String expoToken) {
        return jdbc.sql("select user_id from push_tokens where expo_token = :token")
                .param("token", expoToken)
                .query(UUID.class)
                .optional();
    }

    /** The active devices of every given user, in one query; users without any are absent. */
    public Map<UUID, List<Device>> activeDevicesOf(Collection<UUID> userIds) {
        Map<UUID, List<Device>> devices = new LinkedHashMap<>();
        if (userIds.isEmpty()) {
            return devices;
        }
        jdbc.sql(ACTIVE_TOKENS_OF_USERS).param("userIds", userIds).query(rs -> {
            devices.computeIfAbsent(rs.getObject("user_id", UUID.class), id -> new java.util.ArrayList<>())
                    .add(new Device(rs.getString("expo_token"), rs.getBoolean("throttled")));
        });
        return devices;
    }

    /** Holds pushes to these devices back until {@code until}, as Expo asked with MessageRateExceeded. */
    public int throttle(Collection<String> expoTokens, Instant until) {
        if (expoTokens.isEmpty()) {
            return 0;
        }
        return jdbc.sql(THROTTLE)
                .param("tokens", expoTokens)
                .param("until", java.sql.Timestamp.from(until))
                .update();
    }

    /**
     * Stops pushing to these tokens until their app registers them again.
     *
     * @return how many were active and are not any more
     */
    public int deactivate(Collection<String> expoTokens, String reason) {
        if (expoTokens.isEmpty()) {
            return 0;
        }
        return jdbc.sql(DEACTIVATE)
                .param("tokens", expoTokens)
                .param("reason", reason)
                .update();
    }

    private static PushToken toPushToken(ResultSet rs, int row) throws SQLException {
        return new PushToken(
                rs.getObject("user_id", UUID.class),
                rs.getString("expo_token"),
                rs.getString("platform"),
                rs.getBoolean("active"),
                instant(rs, "created_at"),
                instant(rs, "last_registered_at"),
                instant(rs, "deactivated_at"),
                rs.getString("deactivation_reason"),
                instant(rs, "throttled_until"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * An active device of a user.
     *
     * @param expoToken its token
     * @param throttled Expo asked to slow down pushes to it, and the wait is not over
     */
    public record Device(String expoToken, boolean throttled) {}

    /** The outcome of {@link #register}. */
    record Registration(PushToken token, boolean created) {}
}
