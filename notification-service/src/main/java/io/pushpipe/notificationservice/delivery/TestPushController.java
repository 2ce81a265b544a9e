package io.pushpipe.notificationservice.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.notificationservice.expo.ExpoError;
import io.pushpipe.notificationservice.expo.ExpoPushClient;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.Devices;
import io.pushpipe.notificationservice.token.ExpoTokens;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Sends a test push to every active device of a user, at once, and says what Expo answered per device. */
@RestController
class TestPushController {

    private static final Logger log = LoggerFactory.getLogger(TestPushController.class);

    private final Devices devices;
    private final ExpoPushClient expo;
    private final PushContent content;

    TestPushController(Devices devices, ExpoPushClient expo, PushContent content) {
        this.devices = devices;
        this.expo = expo;
        this.content = content;
    }

    @Operation(summary = "Send a test push to every active device of the user")
    @PostMapping(path = "/test-push-notification/{userId}", produces = MediaType.APPLICATION_JSON_VALUE)
    TestPushResult send(@PathVariable UUID userId) {
        List<String> tokens = devices.activeOf(List.of(userId)).getOrDefault(userId, List.of()).stream()
                .map(Devices.Device::expoToken)
                .toList();
        if (tokens.isEmpty()) {
            log.warn("⚠️ No push token found for user {}", userId);
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND,
                    "User " + userId + " has no active push token. The app registers one with POST /push-tokens.");
        }
        List<PushResult> results =
                expo.send(tokens.stream().map(content::testMessage).toList());
        List<DeviceResult> answers = new ArrayList<>();
        List<String> notRegistered = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (results.get(i) instanceof PushResult.Accepted accepted) {
                answers.add(new DeviceResult(ExpoTokens.mask(token), "ok", accepted.ticketId(), null, null));
            } else if (results.get(i) instanceof PushResult.Failed failed) {
                answers.add(
                        new DeviceResult(ExpoTokens.mask(token), "error", null, failed.errorCode(), failed.message()));
                if (failed.error() == ExpoError.DEVICE_NOT_REGISTERED) {
                    notRegistered.add(token);
                }
            }
        }
        devices.notRegistered(notRegistered);
        long accepted = answers.stream().filter(a -> "ok".equals(a.status())).count();
        if (accepted > 0) {
            log.info("✅ Push notification sent successfully (test) devices={}", accepted);
            log.info("🔔 Push notification sent to user {}", userId);
        }
        return new TestPushResult(userId, answers);
    }

    record TestPushResult(@JsonProperty("user_id") UUID userId, List<DeviceResult> devices) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeviceResult(
            @JsonProperty("expo_token") String maskedToken,
            String status,
            @JsonProperty("ticket_id") String ticketId,
            String error,
            String message) {}
}
