package io.pushpipe.notificationservice.token;

import java.time.Instant;
import java.util.UUID;

/**
 * A registered device token.
 *
 * @param userId the user whose notifications it receives
 * @param expoToken the full token; never log it whole, see {@link ExpoTokens#mask}
 * @param platform {@code ios}, {@code android}, {@code web} or null when the app did not say
 * @param active false once the app signed out or Expo said the device is not registered
 * @param createdAt first registration
 * @param lastRegisteredAt latest registration
 * @param deactivatedAt when it stopped being active; null while active
 * @param deactivationReason why it stopped, for example {@code DeviceNotRegistered} or {@code signed_out}
 * @param throttledUntil pushes wait until then, because Expo answered MessageRateExceeded; may be past
 */
record PushToken(
        UUID userId,
        String expoToken,
        String platform,
        boolean active,
        Instant createdAt,
        Instant lastRegisteredAt,
        Instant deactivatedAt,
        String deactivationReason,
        Instant throttledUntil) {}
