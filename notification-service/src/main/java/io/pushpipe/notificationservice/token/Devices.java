package io.pushpipe.notificationservice.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The token feature as the rest of notification-service sees it: the users' active devices, and what Expo's
 * answers do to them. Registration, the wave guard and the quarantine stay inside the feature.
 */
@Component
public class Devices {

    private final TokenRegistry registry;
    private final TokenHygiene hygiene;
    private final Duration throttleDuration;

    Devices(TokenRegistry registry, TokenHygiene hygiene, TokenProperties settings) {
        this.registry = registry;
        this.hygiene = hygiene;
        this.throttleDuration = settings.throttleDuration();
    }

    /** The active devices of every given user, in one query, least recently registered first. */
    public Map<UUID, List<Device>> activeOf(Collection<UUID> userIds) {
        return registry.activeDevicesOf(userIds);
    }

    /** Expo no longer knows these tokens: deactivates them, unless that would be a wave (then quarantines). */
    public void notRegistered(Collection<String> expoTokens) {
        hygiene.deactivateNotRegistered(expoTokens);
    }

    /**
     * Expo asked at {@code now} to slow down pushes to these devices: they wait {@code
     * pushpipe.tokens.throttle-duration}.
     */
    public void throttle(Collection<String> expoTokens, Instant now) {
        registry.throttle(expoTokens, now.plus(throttleDuration));
    }

    /**
     * An active device of a user.
     *
     * @param expoToken its token
     * @param throttled Expo asked to slow down pushes to it, and the wait is not over
     */
    public record Device(String expoToken, boolean throttled) {}
}
