package io.pushpipe.notificationservice.receipt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.delivery.DeliveryLedger;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ReceiptRecord;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Ticket;
import io.pushpipe.notificationservice.delivery.ReceiptVerdicts;
import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import io.pushpipe.notificationservice.expo.ExpoError;
import io.pushpipe.notificationservice.expo.ExpoReceipts;
import io.pushpipe.notificationservice.expo.ExpoReceipts.Receipt;
import io.pushpipe.notificationservice.token.Devices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fetches Expo's receipts for accepted pushes once they are {@code pushpipe.receipts.delay} old, so that
 * each device's delivery says whether Apple or Google took it. Tickets are claimed with {@code FOR UPDATE
 * SKIP LOCKED} and a lease, so any number of instances poll without asking twice for one ticket. A
 * receipt that is still missing {@code give-up-after} after sending marks the delivery unknown.
 *
 * <p>{@code DeviceNotRegistered} receipts go through {@link Devices#notRegistered}; {@code MessageRateExceeded}
 * throttles that device for {@code pushpipe.tokens.throttle-duration} and sends the message to it again
 * afterwards; {@code InvalidCredentials} and {@code MismatchSenderId} dead-letter the event, to be replayed to
 * exactly those devices after the fix, and turn the {@code receipts} health component DOWN for an hour
 * ({@link ReceiptVerdicts}).
 *
 * <p>The health component and the oldest-ticket gauge read a measurement taken in the background every
 * {@code pushpipe.health.refresh-interval} (and after each poll), from partial indexes; a health call or a
 * scrape never queries {@code deliveries} itself.
 */
@Component("receipts") // the name of its health component
public class ReceiptPoller implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ReceiptPoller.class);

    private final DeliveryLedger ledger;
    private final ReceiptVerdicts verdicts;
    private final ExpoReceipts expo;
    private final Devices devices;
    private final ReceiptProperties settings;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();
    private volatile Measurement last;

    ReceiptPoller(
            DeliveryLedger ledger,
            ReceiptVerdicts verdicts,
            ExpoReceipts expo,
            Devices devices,
            ReceiptProperties settings,
            MeterRegistry meters) {
        this.ledger = ledger;
        this.verdicts = verdicts;
        this.expo = expo;
        this.devices = devices;
        this.settings = settings;
        this.meters = meters;
        Gauge.builder(
                        "pushpipe.receipts.oldest.unchecked.age",
                        this,
                        poller -> poller.measurement()
                                .map(m -> m.oldestUncheckedAge().toMillis() / 1000.0)
                                .orElse(0.0))
                .description("Age of the oldest accepted push whose receipt has not been checked")
                .baseUnit("seconds")
                .register(meters);
    }

    @Scheduled(
            initialDelayString = "${pushpipe.receipts.poll-interval:30s}",
            fixedDelayString = "${pushpipe.receipts.poll-interval:30s}")
    void poll() {
        try {
            pollOnce(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Receipts not fetched this time, retrying in {}: {}", settings.pollInterval(), e.getMessage());
        }
    }

    /**
     * Checks every ticket due at {@code now}, in claims of {@code batch-size}.
     *
     * @return how many tickets got an answer (a receipt, or unknown)
     */
    public int pollOnce(Instant now) {
        int answered = 0;
        try {
            while (true) {
                List<Ticket> claimed = claim(now);
                if (claimed.isEmpty()) {
                    return answered;
                }
                Map<String, Receipt> receipts =
                        expo.of(claimed.stream().map(Ticket::ticketId).toList());
                answered += record(claimed, receipts, now);
                if (claimed.size() < settings.batchSize()) {
                    return answered;
                }
            }
        } finally {
            if (answered > 0) {
                measure();
            }
        }
    }

    /** Measures what the health component and the gauge report. */
    @Scheduled(initialDelay = 0, fixedDelayString = "${pushpipe.health.refresh-interval:5s}")
    void measure() {
        try {
            Instant now = clock.instant();
            long credentialErrors = ledger.receiptErrorsSince(
                    ExpoError.codesFor(DeadLetterReason.INVALID_CREDENTIALS), now.minus(Duration.ofHours(1)));
            Duration oldest = ledger.oldestUncheckedTicket()
                    .map(sent -> Duration.between(sent, now))
                    .orElse(Duration.ZERO);
            last = new Measurement(credentialErrors, oldest, now);
        } catch (RuntimeException e) {
            log.warn("Receipt health not measured this time: {}", e.getMessage());
        }
    }

    private java.util.Optional<Measurement> measurement() {
        return java.util.Optional.ofNullable(last);
    }

    private List<Ticket> claim(Instant now) {
        return ledger.claimTicketsDue(
                now, now.minus(settings.delay()), now.plus(settings.lease()), settings.batchSize());
    }

    private int record(List<Ticket> claimed, Map<String, Receipt> receipts, Instant now) {
        List<ReceiptRecord> rows = new ArrayList<>();
        List<String> notRegistered = new ArrayList<>();
        List<String> throttled = new ArrayList<>();
        for (Ticket ticket : claimed) {
            Receipt receipt = receipts.get(ticket.ticketId());
            String status;
            if (receipt != null) {
                status = receipt.ok() ? "ok" : "error";
                outcome(receipt.ok() ? "ok" : receipt.errorCode());
                ExpoError error = receipt.error();
                if (error == ExpoError.DEVICE_NOT_REGISTERED) {
                    notRegistered.add(ticket.token());
                } else if (error == ExpoError.MESSAGE_RATE_EXCEEDED) {
                    throttled.add(ticket.token());
                } else if (error != null
                        && error.needsHuman()
                        && error.deadLetterReason() == DeadLetterReason.INVALID_CREDENTIALS) {
                    log.error(
                            "🚨 Expo receipt says the app's push credentials are wrong ({}): fix them in Expo",
                            receipt.errorCode());
                }
            } else if (ticket.sentAt().isBefore(now.minus(settings.giveUpAfter()))) {
                status = "unknown";
                outcome("unknown");
            } else {
                continue;
            }
            rows.add(new ReceiptRecord(
                    ticket,
                    status,
                    receipt == null ? null : receipt.errorCode(),
                    receipt == null ? null : receipt.message()));
        }
        verdicts.record(rows, now);
        devices.notRegistered(notRegistered);
        devices.throttle(throttled, now);
        Counter.builder("pushpipe.receipts.fetched")
                .description("Receipts Expo answered")
                .register(meters)
                .increment(receipts.size());
        return rows.size();
    }

    private void outcome(String reason) {
        Counter.builder("pushpipe.receipts.outcomes")
                .description("Receipt outcomes, by reason")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    /**
     * DOWN for an hour after a receipt said the app's push credentials are wrong: nothing reaches phones.
     * UNKNOWN until the first measurement.
     */
    @Override
    public Health health() {
        return measurement()
                .map(m -> (m.credentialErrors() > 0 ? Health.down() : Health.up())
                        .withDetail("credentialErrorsLastHour", m.credentialErrors())
                        .withDetail(
                                "oldestUncheckedTicketAgeSeconds",
                                m.oldestUncheckedAge().toSeconds())
                        .withDetail("measuredAt", m.at().toString())
                        .build())
                .orElseGet(() ->
                        Health.unknown().withDetail("measuredAt", "not yet").build());
    }

    /** Credential errors in receipts of the last hour, and the oldest unchecked ticket's age, at {@code at}. */
    private record Measurement(long credentialErrors, Duration oldestUncheckedAge, Instant at) {}
}
