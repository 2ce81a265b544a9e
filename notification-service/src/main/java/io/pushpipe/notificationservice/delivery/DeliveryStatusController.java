package io.pushpipe.notificationservice.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeviceDelivery;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Status;
import io.pushpipe.notificationservice.token.ExpoTokens;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** For the portal: where a message's notification stands on each of the receiver's devices. */
@RestController
class DeliveryStatusController {

    private final DeliveryLedger ledger;

    DeliveryStatusController(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    @Operation(
            summary = "Per device: pending, accepted (by Expo), delivered (to Apple or Google), failed or unknown",
            description = "An empty list means no device has been tried yet: the event is still on its way, or"
                    + " the receiver has no registered device.")
    @GetMapping(path = "/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
    MessageDeliveries status(@RequestParam("message_id") UUID messageId) {
        return new MessageDeliveries(
                messageId,
                ledger.deliveriesOfMessage(messageId).stream()
                        .map(DeliveryStatusController::toDevice)
                        .toList());
    }

    private static Device toDevice(DeviceDelivery delivery) {
        String state;
        String reason = null;
        if (delivery.status() == Status.RETRY) {
            state = "pending";
            reason = delivery.errorCode();
        } else if (delivery.status() == Status.FAILED) {
            state = "failed";
            reason = delivery.errorCode();
        } else if (delivery.receiptStatus() == null) {
            state = "accepted";
        } else if ("ok".equals(delivery.receiptStatus())) {
            state = "delivered";
        } else if ("error".equals(delivery.receiptStatus())) {
            state = "failed";
            reason = delivery.receiptError();
        } else {
            state = "unknown";
            reason = "no receipt from Expo in time";
        }
        return new Device(
                ExpoTokens.mask(delivery.expoToken()),
                state,
                reason,
                delivery.attempts(),
                delivery.firstTriedAt(),
                delivery.sentAt(),
                delivery.receiptCheckedAt(),
                delivery.updatedAt());
    }

    record MessageDeliveries(@JsonProperty("message_id") UUID messageId, List<Device> devices) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Device(
            @JsonProperty("expo_token") String maskedToken,
            String state,
            String reason,
            int attempts,
            @JsonProperty("first_tried_at") Instant firstTriedAt,
            @JsonProperty("sent_at") Instant sentAt,
            @JsonProperty("receipt_checked_at") Instant receiptCheckedAt,
            @JsonProperty("updated_at") Instant updatedAt) {}
}
