package io.pushpipe.notificationservice.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushpipe.notificationservice.token.ExpoTokens;
import io.swagger.v3.oas.annotations.Operation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** For the portal: where a message's notification stands on each of the receiver's devices. */
@RestController
class DeliveryStatusController {

    private static final String DELIVERIES_OF_MESSAGE = """
            select expo_token, status, error_code, error_message, receipt_status, receipt_error, receipt_message,
                   sent_at, receipt_checked_at, created_at, updated_at, attempts
            from deliveries
            where message_id = :messageId
            order by created_at, expo_token
            """;

    private final JdbcClient jdbc;

    DeliveryStatusController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Operation(
            summary = "Per device: pending, accepted (by Expo), delivered (to Apple or Google), failed or unknown",
            description = "An empty list means no device has been tried yet: the event is still on its way, or"
                    + " the receiver has no registered device.")
    @GetMapping(path = "/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
    MessageDeliveries status(@RequestParam("message_id") UUID messageId) {
        return new MessageDeliveries(
                messageId,
                jdbc.sql(DELIVERIES_OF_MESSAGE)
                        .param("messageId", messageId)
                        .query(DeliveryStatusController::toDevice)
                        .list());
    }

    private static Device toDevice(ResultSet rs, int row) throws SQLException {
        String status = rs.getString("status");
        String receipt = rs.getString("receipt_status");
        String state;
        String reason = null;
        if ("retry".equals(status)) {
            state = "pending";
            reason = rs.getString("error_code");
        } else if ("failed".equals(status)) {
            state = "failed";
            reason = rs.getString("error_code");
        } else if (receipt == null) {
            state = "accepted";
        } else if ("ok".equals(receipt)) {
            state = "delivered";
        } else if ("error".equals(receipt)) {
            state = "failed";
            reason = rs.getString("receipt_error");
        } else {
            state = "unknown";
            reason = "no receipt from Expo in time";
        }
        return new Device(
                ExpoTokens.mask(rs.getString("expo_token")),
                state,
                reason,
                rs.getInt("attempts"),
                instant(rs, "created_at"),
                instant(rs, "sent_at"),
                instant(rs, "receipt_checked_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
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
