package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Delivery;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeliveryRecord;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ProcessedEvent;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.BatchOutcome;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Finished;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Incoming;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Push;
import io.pushpipe.notificationservice.expo.ExpoPushClient;
import io.pushpipe.notificationservice.expo.ExpoPushMessage;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.Devices;
import io.pushpipe.notificationservice.token.Devices.Device;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers one poll's batch of {@code MessageSent} records as plan → send → record ({@link DeliveryPlan}
 * makes every decision):
 *
 * <ol>
 *   <li>drop events already handled, and devices Expo already answered for (redeliveries, replays);
 *   <li>look up the active tokens of every receiver in one query;
 *   <li>send every push through {@link ExpoPushClient}, recording each request's outcomes in the ledger as
 *       soon as Expo answers it, so that a crash re-pushes at most what was in flight; outcomes the database
 *       cannot take then are kept ({@link UnwrittenOutcomes}) and written before the next batch is planned;
 *   <li>in one transaction: deactivate tokens Expo does not know, mark finished events, record the dead
 *       letters, put aside the events that must wait for their receiver ({@link DeferredEvents});
 *   <li>after that commit, publish the dead letters ({@link DeadLetters});
 *   <li>acknowledge the batch, or, when Expo could not take some pushes at all, acknowledge the records
 *       before the first unfinished event and have the rest redelivered after {@code
 *       pushpipe.delivery.retry-delay}.
 * </ol>
 *
 * <p>Deferred events come back through the same steps, each receiver's oldest first, every {@code
 * retry-delay}.
 *
 * <p>The one unavoidable duplicate: Expo accepted a push and the process died before its request's
 * outcomes were written. The redelivered event pushes to that device again, with the same collapse
 * identity, so the phone replaces the notification instead of showing a second one.
 */
@Component
class NotificationDispatcher {

    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final Duration DEFERRED_LEASE = Duration.ofSeconds(30);
    private static final int DEFERRED_BATCH = 500;

    private final Devices devices;
    private final DeliveryLedger ledger;
    private final PushContent content;
    private final ExpoPushClient expo;
    private final DeadLetters deadLetters;
    private final DeferredEvents deferred;
    private final TransactionTemplate transactions;
    private final DeliveryProperties settings;
    private final MeterRegistry meters;
    private final UnwrittenOutcomes unwritten = new UnwrittenOutcomes();
    private final Counter consumed;
    private final Counter sent;
    private final Timer consumeLag;
    private final Clock clock = Clock.systemUTC();

    NotificationDispatcher(
            Devices devices,
            DeliveryLedger ledger,
            PushContent content,
            ExpoPushClient expo,
            DeadLetters deadLetters,
            DeferredEvents deferred,
            TransactionTemplate transactions,
            DeliveryProperties settings,
            MeterRegistry meters) {
        this.devices = devices;
        this.ledger = ledger;
        this.content = content;
        this.expo = expo;
        this.deadLetters = deadLetters;
        this.deferred = deferred;
        this.transactions = transactions;
        this.settings = settings;
        this.meters = meters;
        this.consumed = Counter.builder("pushpipe.events.consumed")
                .description("MessageSent records consumed, redeliveries included")
                .register(meters);
        this.sent = Counter.builder("pushpipe.notifications.sent")
                .description("Pushes Expo accepted")
                .register(meters);
        this.consumeLag = Timer.builder("pushpipe.events.consume.lag")
                .description("Time from the relay sending a record (its timestamp) to the start of the batch that"
                        + " delivers it: the broker's acknowledgement and the consumer's fetch")
                .register(meters);
    }

    /** Delivers a poll's batch, then acknowledges it or has it redelivered from its first unfinished record. */
    void dispatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment acknowledgment) {
        consumed.increment(records.size());
        long now = clock.millis();
        records.stream()
                .filter(record -> record.timestampType() == TimestampType.CREATE_TIME)
                .forEach(record -> consumeLag.record(Math.max(0, now - record.timestamp()), TimeUnit.MILLISECONDS));
        BatchOutcome outcome = deliver(records, Map.of(), false);
        if (outcome.firstUnfinished() < records.size()) {
            log.warn(
                    "{} pushes failed transiently; redelivering from offset {} in {} ms",
                    outcome.transientFailures(),
                    records.get(outcome.firstUnfinished()).offset(),
                    settings.retryDelay().toMillis());
            acknowledgment.nack(outcome.firstUnfinished(), settings.retryDelay());
        } else {
            acknowledgment.acknowledge();
        }
    }

    /**
     * Hands the deferred events that are due back to delivery, each receiver's oldest first. One that Expo
     * could not take at all stays claimed until its lease ends, and is tried again then.
     */
    @Scheduled(
            initialDelayString = "${pushpipe.delivery.retry-delay:2s}",
            fixedDelayString = "${pushpipe.delivery.retry-delay:2s}")
    void retryDeferred() {
        try {
            List<DeferredEvents.Due> due;
            do {
                due = deferred.claimDue(clock.instant(), DEFERRED_LEASE, DEFERRED_BATCH);
                if (!due.isEmpty()) {
                    Map<UUID, Integer> attempts = new HashMap<>();
                    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
                    for (DeferredEvents.Due event : due) {
                        records.add(event.record());
                        attempts.put(eventId(event.record()), event.attempts());
                    }
                    deliver(records, attempts, true);
                }
            } while (due.size() == DEFERRED_BATCH);
        } catch (RuntimeException e) {
            log.warn("Deferred events not retried this time: {}", e.getMessage());
        }
    }

    /**
     * Plan → send → record for one batch of records.
     *
     * @param deferredBefore for deferred events handed back, how often each was deferred
     * @param fromDeferred the records come from {@code deferred_events}, not from Kafka
     */
    private BatchOutcome deliver(
            List<ConsumerRecord<String, byte[]>> records, Map<UUID, Integer> deferredBefore, boolean fromDeferred) {
        unwritten.writeTo(ledger);
        DeliveryPlan plan = plan(records, deferredBefore, fromDeferred);
        AtomicBoolean ledgerFailed = new AtomicBoolean();
        List<PushResult> results = expo.send(
                plan.requests().stream().map(this::messages).toList(),
                clock.instant().plus(settings.batchTimeBudget()),
                (request, answers) -> record(plan.recordsOf(request, answers), ledgerFailed));
        BatchOutcome outcome = plan.outcome(results);
        transactions.executeWithoutResult(status -> {
            devices.notRegistered(outcome.notRegistered());
            ledger.markProcessed(outcome.processed());
            deadLetters.record(outcome.deadLetters());
            deferred.defer(outcome.deferrals(), clock.instant(), settings.retryDelay());
            if (fromDeferred) {
                deferred.done(outcome.processed().stream()
                        .map(ProcessedEvent::eventId)
                        .toList());
            }
        });
        if (!outcome.deadLetters().isEmpty()) {
            deadLetters.publishSoon();
        }
        report(results, outcome);
        return outcome;
    }

    /**
     * Writes a request's outcomes; those the database does not take are kept for the batch's retry. Once a
     * write of the batch has failed, the answers still coming in are kept without trying the database again:
     * each try could wait out the pool's connection timeout.
     */
    private void record(List<DeliveryRecord> outcomes, AtomicBoolean ledgerFailed) {
        if (ledgerFailed.get()) {
            unwritten.keep(outcomes);
            return;
        }
        try {
            ledger.record(outcomes);
        } catch (RuntimeException e) {
            ledgerFailed.set(true);
            unwritten.keep(outcomes);
            throw e;
        }
    }

    private DeliveryPlan plan(
            List<ConsumerRecord<String, byte[]>> records, Map<UUID, Integer> deferredBefore, boolean fromDeferred) {
        List<Incoming> incoming = DeliveryPlan.decode(records);
        List<UUID> batch = DeliveryPlan.eventIds(incoming);
        Set<UUID> processed = ledger.processed(batch);
        if (fromDeferred) {
            deferred.done(processed);
        }
        List<Incoming> pending = DeliveryPlan.pending(incoming, processed);
        List<UUID> receivers =
                pending.stream().map(in -> in.event().receiverId()).distinct().toList();
        Map<UUID, List<Device>> active = devices.activeOf(receivers);
        return DeliveryPlan.of(
                incoming,
                pending,
                ledger.deliveriesOf(DeliveryPlan.eventIds(pending)),
                active,
                fromDeferred ? Map.of() : waitingDevices(receivers, active, batch),
                deferredBefore,
                expo.recipientsPerRequest(),
                settings.maxDevicesPerEvent(),
                settings.maxDeviceAttempts(),
                settings.urgentTypes());
    }

    /** Per receiver, the devices that events already deferred (other than this batch's) still wait for. */
    private Map<UUID, Set<String>> waitingDevices(
            List<UUID> receivers, Map<UUID, List<Device>> devices, List<UUID> batch) {
        Map<UUID, List<UUID>> waiting = deferred.waitingOf(receivers);
        waiting.values().forEach(events -> events.removeAll(batch));
        if (waiting.values().stream().allMatch(List::isEmpty)) {
            return Map.of();
        }
        Map<UUID, Map<String, Delivery>> answered = ledger.deliveriesOf(
                waiting.values().stream().flatMap(List::stream).toList());
        Map<UUID, Set<String>> blocked = new HashMap<>();
        waiting.forEach((receiver, events) -> {
            for (UUID event : events) {
                for (Device device : devices.getOrDefault(receiver, List.of())) {
                    Delivery delivery = answered.getOrDefault(event, Map.of()).get(device.expoToken());
                    if (delivery == null || !delivery.finished()) {
                        blocked.computeIfAbsent(receiver, id -> new HashSet<>()).add(device.expoToken());
                    }
                }
            }
        });
        return blocked;
    }

    private static UUID eventId(ConsumerRecord<String, byte[]> record) {
        return MessageSentCodec.decode(record.value()).eventId();
    }

    private List<ExpoPushMessage> messages(List<Push> request) {
        return request.stream()
                .map(push -> content.messageFor(push.in().event(), push.token()))
                .toList();
    }

    private void report(List<PushResult> results, BatchOutcome outcome) {
        sent.increment(
                results.stream().filter(PushResult.Accepted.class::isInstance).count());
        outcome.failureCodes()
                .forEach(code -> Counter.builder("pushpipe.notifications.failed")
                        .description("Pushes Expo did not accept, by reason")
                        .tag("reason", code)
                        .register(meters)
                        .increment());
        for (Finished finished : outcome.finished()) {
            if (finished.outcome() == Outcome.NO_TOKENS) {
                log.warn("⚠️ No push token found for user {}", finished.event().receiverId());
            } else if (finished.outcome() == Outcome.DELIVERED && finished.acceptedNow() > 0) {
                log.info(
                        "✅ Push notification sent successfully messageId={} devices={}",
                        finished.event().messageId(),
                        finished.acceptedNow());
                log.info(
                        "🔔 Push notification sent to user {}", finished.event().receiverId());
            }
        }
    }
}
