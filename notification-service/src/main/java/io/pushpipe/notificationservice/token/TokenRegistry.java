package io.pushpipe.notificationservice.token;

import io.pushpipe.notificationservice.token.Devices.Device;
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
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code push_tokens} table: which devices receive which user's notifications. */
@Component
class TokenRegistry {

    private static final String COLUMNS = """
            user_id, expo_token, platform, active, created_at, last_registered_at, deactivated_at,
            deactivation_reason, throttled_until
            """;

    /**
     * New, re-registered by its user, or moved to this user: a token moves only when its current owner's row
     * is inactive (they signed out, or Expo said it is gone) or the caller may take it over; otherwise no row
     * comes back. A re-registration ends a quarantine: the app just proved the token alive.
     */
    private static final String REGISTER = """
            insert into push_tokens (user_id, expo_token, platform)
            values (:userId, :token, :platform)
            on conflict (expo_token) do update
            set user_id = excluded.user_id,
                platform = coalesce(excluded.platform, push_tokens.platform),
                active = true,
                last_registered_at = now(),
                deactivated_at = null,
                deactivation_reason = null,
                quarantined_at = null,
                quarantine_reason = null
            where push_tokens.user_id = excluded.user_id or not push_tokens.active or :takeOver
            returning (xmax = 0) as inserted,
            """ + COLUMNS;

    /** Serialises registrations of one user, so that two at once cannot both stay within the quota. */
    private static final String LOCK_USER = "select pg_advisory_xact_lock(:key)";

    /** Beyond the quota: the user's other active tokens, least recently registered first, are deactivated. */
    private static final String ENFORCE_QUOTA = """
            update push_tokens
            set active = false, deactivated_at = now(), deactivation_reason = :reason
            where id in (
                select id from push_tokens
                where user_id = :userId and active and expo_token <> :token
                order by last_registered_at desc, id desc
                offset :keep)
            returning
            """ + COLUMNS;

    private static final String UNREGISTER = """
            with target as (
                select id, active from push_tokens
                where expo_token = :token and (cast(:userId as uuid) is null or user_id = cast(:userId as uuid))
            ), deactivated as (
                update push_tokens p
                set active = false, deactivated_at = now(), deactivation_reason = :reason
                from target
                where p.id = target.id and target.active
                returning p.id
            )
            select (select count(*) from target) as found, (select count(*) from deactivated) as deactivated
            """;

    private static final String ACTIVE_TOKENS_OF_USERS = """
            select user_id, expo_token, coalesce(throttled_until > now(), false) as throttled
            from push_tokens
            where active and user_id in (:userIds)
            order by last_registered_at, id
            """;

    private static final String ACTIVE_AMONG = """
            select expo_token from push_tokens where active and expo_token in (:tokens)
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

    /** Why a token stopped being active when its user registered more than the quota allows. */
    static final String REPLACED = "device_quota";

    static final String SIGNED_OUT = "signed_out";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final int maxPerUser;

    TokenRegistry(JdbcClient jdbc, TransactionTemplate transactions, TokenProperties settings) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.maxPerUser = settings.maxPerUser();
    }

    /**
     * Registers the token for the user: new, re-activated, or moved from another user whose token is no longer
     * active (or from anyone when {@code takeOver}). When the user then has more active tokens than {@code
     * pushpipe.tokens.max-per-user}, the least recently registered others are deactivated.
     *
     * @return the token, whether it was new, and the tokens it replaced; empty when another user holds the
     *     token actively and {@code takeOver} is false
     */
    Optional<Registration> register(UUID userId, String expoToken, String platform, boolean takeOver) {
        return transactions.execute(status -> {
            jdbc.sql(LOCK_USER)
                    .param("key", userId.getMostSignificantBits() ^ userId.getLeastSignificantBits())
                    .query((rs, row) -> 1)
                    .list();
            Optional<Registration> registered = jdbc.sql(REGISTER)
                    .param("userId", userId)
                    .param("token", expoToken)
                    .param("platform", platform)
                    .param("takeOver", takeOver)
                    .query((rs, row) ->
                            new Registration(toPushToken(rs, row), rs.getBoolean("inserted"), List.<PushToken>of()))
                    .optional();
            return registered.map(registration -> registration.replacing(jdbc.sql(ENFORCE_QUOTA)
                    .param("reason", REPLACED)
                    .param("userId", userId)
                    .param("token", expoToken)
                    .param("keep", maxPerUser - 1)
                    .query(TokenRegistry::toPushToken)
                    .list()));
        });
    }

    /**
     * Deactivates the token when it belongs to {@code userId} (to anyone when null), as on sign-out.
     *
     * @return whether such a token exists, active or not
     */
    boolean unregister(String expoToken, UUID userId) {
        return jdbc.sql(UNREGISTER)
                .param("token", expoToken)
                .param("userId", userId)
                .param("reason", SIGNED_OUT)
                .query((rs, row) -> rs.getLong("found") > 0)
                .single();
    }

    List<PushToken> tokensOf(UUID userId) {
        return jdbc.sql(TOKENS_OF_USER)
                .param("userId", userId)
                .query(TokenRegistry::toPushToken)
                .list();
    }

    /**
     * The active devices of every given user, in one query, least recently registered first; users without
     * any are absent.
     */
    Map<UUID, List<Device>> activeDevicesOf(Collection<UUID> userIds) {
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

    /** Which of these tokens are active. */
    java.util.Set<String> activeAmong(Collection<String> expoTokens) {
        if (expoTokens.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql(ACTIVE_AMONG)
                .param("tokens", expoTokens)
                .query(String.class)
                .list());
    }

    /** Holds pushes to these devices back until {@code until}, as Expo asked with MessageRateExceeded. */
    int throttle(Collection<String> expoTokens, Instant until) {
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
    int deactivate(Collection<String> expoTokens, String reason) {
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
     * The outcome of {@link #register}.
     *
     * @param token the token as registered
     * @param created whether it was new
     * @param replaced the user's tokens it deactivated to stay within the quota
     */
    record Registration(PushToken token, boolean created, List<PushToken> replaced) {

        Registration replacing(List<PushToken> replaced) {
            return new Registration(token, created, replaced);
        }
    }
}
