package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ProcessedEvent;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ReceiptRecord;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.DeadLetter;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Deferral;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Incoming;
import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import io.pushpipe.notificationservice.expo.ExpoError;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a receipt says about a push Expo had accepted, acted on: a {@code MessageRateExceeded} receipt sends
 * the message to that device again once its throttle ends (the event is deferred for its receiver), and a
 * credentials error ({@code InvalidCredentials}, {@code MismatchSenderId}) dead-letters the event with
 * reason {@code INVALID_CREDENTIALS}, so that replaying it after the fix sends it to exactly the devices the
 * receipts failed. The events are read back from {@code message-sent} ({@link EventArchive}); the receipts,
 * the ledger's changes, the deferral and the dead letter are written in one transaction.
 */
@Component
public class ReceiptVerdicts {

    private static final Logger log = LoggerFactory.getLogger(ReceiptVerdicts.class);

    private final DeliveryLedger ledger;
    private final EventArchive archive;
    private final DeferredEvents deferred;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transactions;
    private final DeliveryProperties settings;
    private final Clock clock = Clock.systemUTC();

    ReceiptVerdicts(
            DeliveryLedger ledger,
            EventArchive archive,
            DeferredEvents deferred,
            DeadLetters deadLetters,
            TransactionTemplate transactions,
            DeliveryProperties settings) {
        this.ledger = ledger;
        this.archive = archive;
        this.deferred = deferred;
        this.deadLetters = deadLetters;
        this.transactions = transactions;
        this.settings = settings;
    }

    /**
     * Records what became of claimed tickets, and acts on the receipts that need it.
     *
     * @param now the poll's time, recorded as when the receipts were checked; a deferred event is due by the
     *     wall clock, as the retries that hand it back run by it
     */
    public void record(List<ReceiptRecord> receipts, Instant now) {
        List<ReceiptRecord> again = receipts.stream().filter(sendAgain()).toList();
        List<ReceiptRecord> human = receipts.stream().filter(credentials()).toList();
        Map<UUID, ConsumerRecord<String, byte[]>> found = again.isEmpty() && human.isEmpty()
                ? Map.of()
                : archive.find(Stream.concat(again.stream(), human.stream())
                        .map(r -> r.ticket().push())
                        .toList());
        List<Deferral> deferrals = new ArrayList<>();
        for (ReceiptRecord receipt : again) {
            ConsumerRecord<String, byte[]> record = found.get(receipt.ticket().eventId());
            if (record != null) {
                deferrals.add(new Deferral(incoming(record), 1));
            }
        }
        Map<UUID, DeadLetter> letters = new LinkedHashMap<>();
        List<ProcessedEvent> deadLettered = new ArrayList<>();
        for (ReceiptRecord receipt : human) {
            ConsumerRecord<String, byte[]> record = found.get(receipt.ticket().eventId());
            if (record != null && !letters.containsKey(receipt.ticket().eventId())) {
                MessageSent event = MessageSentCodec.decode(record.value());
                letters.put(
                        event.eventId(),
                        new DeadLetter(
                                record,
                                DeadLetterReason.INVALID_CREDENTIALS,
                                "Expo's receipt said " + receipt.errorCode() + ": " + receipt.message()));
                deadLettered.add(new ProcessedEvent(event.eventId(), event.messageId(), Outcome.DEAD_LETTERED));
            }
        }
        transactions.executeWithoutResult(status -> {
            ledger.recordReceipts(receipts, now);
            ledger.reopen(
                    again.stream()
                            .filter(r -> found.containsKey(r.ticket().eventId()))
                            .map(r -> r.ticket().push())
                            .toList(),
                    ExpoError.MESSAGE_RATE_EXCEEDED);
            deferred.defer(deferrals, clock.instant(), settings.retryDelay());
            ledger.failAfterReceipt(human);
            ledger.markProcessed(deadLettered);
            deadLetters.record(List.copyOf(letters.values()));
        });
        if (!letters.isEmpty()) {
            deadLetters.publishSoon();
        }
        long missing = Stream.concat(again.stream(), human.stream())
                .map(r -> r.ticket().eventId())
                .distinct()
                .filter(id -> !found.containsKey(id))
                .count();
        if (missing > 0) {
            log.warn("{} events that receipts ask to send again or dead-letter are no longer in message-sent", missing);
        }
    }

    private static Incoming incoming(ConsumerRecord<String, byte[]> record) {
        return new Incoming(0, record, MessageSentCodec.decode(record.value()), null);
    }

    private static Predicate<ReceiptRecord> sendAgain() {
        return r -> ExpoError.of(r.errorCode()) == ExpoError.MESSAGE_RATE_EXCEEDED && "error".equals(r.status());
    }

    private static Predicate<ReceiptRecord> credentials() {
        return r -> "error".equals(r.status())
                && ExpoError.of(r.errorCode()).needsHuman()
                && ExpoError.of(r.errorCode()).deadLetterReason() == DeadLetterReason.INVALID_CREDENTIALS;
    }
}
