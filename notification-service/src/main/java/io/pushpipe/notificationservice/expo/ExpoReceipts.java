package io.pushpipe.notificationservice.expo;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Expo's receipts protocol: asks for the receipts of accepted tickets, at most 1000 ids a request, with
 * the same retries and circuit breaker as sending.
 */
@Component
public class ExpoReceipts {

    static final int MAX_RECEIPT_IDS = 1000;

    private final ExpoTransport transport;
    private final Retry retry;
    private final CircuitBreaker breaker;

    ExpoReceipts(ExpoTransport transport, Retry expoRetry, CircuitBreaker expoCircuitBreaker) {
        this.transport = transport;
        this.retry = expoRetry;
        this.breaker = expoCircuitBreaker;
    }

    /**
     * Expo's receipts for these ticket ids. Ids without a receipt yet are absent from the answer.
     *
     * @throws ReceiptsUnavailableException when Expo could not be asked; the caller asks again later
     */
    public Map<String, Receipt> of(List<String> ticketIds) {
        Map<String, Receipt> receipts = new LinkedHashMap<>();
        for (int from = 0; from < ticketIds.size(); from += MAX_RECEIPT_IDS) {
            List<String> ids = ticketIds.subList(from, Math.min(ticketIds.size(), from + MAX_RECEIPT_IDS));
            try {
                receipts.putAll(retry.executeSupplier(() -> breaker.executeSupplier(() -> ask(ids))));
            } catch (ExpoUnavailableException
                    | ExpoRejectedException
                    | io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
                throw new ReceiptsUnavailableException("could not fetch receipts from Expo: " + e.getMessage(), e);
            }
        }
        return receipts;
    }

    private Map<String, Receipt> ask(List<String> ids) {
        ExpoTransport.Answer answer = transport.post(ExpoTransport.RECEIPTS_PATH, Map.of("ids", ids));
        if (answer.unavailable()) {
            throw new ExpoUnavailableException("Expo answered " + answer.describe() + " to getReceipts");
        }
        if (answer.status() >= 400) {
            throw answer.rejection();
        }
        Map<String, Receipt> receipts = new LinkedHashMap<>();
        answer.body().path("data").properties().forEach(entry -> {
            JsonNode receipt = entry.getValue();
            receipts.put(
                    entry.getKey(),
                    new Receipt(
                            "ok".equals(receipt.path("status").asString()),
                            receipt.path("details").path("error").asString(null),
                            receipt.path("message").asString(null)));
        });
        return receipts;
    }

    /**
     * Expo's receipt for one ticket.
     *
     * @param ok Apple or Google accepted the notification
     * @param errorCode when not ok, Expo's error, for example {@code DeviceNotRegistered}
     * @param message Expo's explanation
     */
    public record Receipt(boolean ok, String errorCode, String message) {

        /** What the receipt's error means for pushpipe; {@code null} when it is ok. */
        public ExpoError error() {
            return ok ? null : ExpoError.of(errorCode);
        }
    }

    /** Expo could not be asked for receipts now. */
    public static final class ReceiptsUnavailableException extends RuntimeException {

        ReceiptsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
