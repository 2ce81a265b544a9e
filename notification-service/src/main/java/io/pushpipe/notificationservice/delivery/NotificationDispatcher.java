package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.BatchOutcome;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Finished;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Incoming;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Push;
import io.pushpipe.notificationservice.expo.ExpoPushClient;
import io.pushpipe.notificationservice.expo.ExpoPushMessage;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.TokenHygiene;
import io.pushpipe.notificationservice.token.TokenRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;
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
 *       soon as Expo answers it, so that a crash re-pushes at most what was in flight;
 *   <li>in one transaction: deactivate tokens Expo does not know, mark finished events, record the dead
 *       letters;
 *   <li>after that commit, publish the dead letters ({@link DeadLetters});
 *   <li>acknowledge the batch, or, when some pushes failed transiently, acknowledge the records before the
 *       first unfinished event and have the rest redelivered after {@code pushpipe.delivery.retry-delay}.
 * </ol>
 *
 * <p>The one unavoidable duplicate: Expo accepted a push and the process died before its request's
 * outcomes were written. The redelivered event pushes to that device again, with the same collapse
 * identity, so the phone replaces the notification instead of showing a second one.
 */
@Component
class NotificationDispatcher {

    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final TokenRegistry tokens;
    private final TokenHygiene hygiene;
    private final DeliveryLedger ledger;
    private final PushContent content;
    private final ExpoPushClient expo;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transactions;
    private final NotificationServiceProperties.Delivery settings;
    private final MeterRegistry meters;
    private final Counter consumed;
    private final Counter sent;
    private final Clock clock = Clock.systemUTC();

    NotificationDispatcher(
            TokenRegistry tokens,
            TokenHygiene hygiene,
            DeliveryLedger ledger,
            PushContent content,
            ExpoPushClient expo,
            DeadLetters deadLetters,
            TransactionTemplate transactions,
            NotificationServiceProperties.Delivery settings,
            MeterRegistry meters) {
        this.tokens = tokens;
        this.hygiene = hygiene;
        this.ledger = ledger;
        this.content = content;
        this.expo = expo;
        this.deadLetters = deadLetters;
        this.transactions = transactions;
        this.settings = settings;
        this.meters = meters;
        this.consumed = Counter.builder("pushpipe.events.consumed")
                .description("MessageSent records consumed, redeliveries included")
                .register(meters);
        this.sent = Counter.builder("pushpipe.notifications.sent")
                .description("Pushes Expo accepted")
                .register(meters);
    }

    void dispatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment acknowledgment) {
        consumed.increment(records.size());
        DeliveryPlan plan = plan(records);
        List<List<Push>> requests = plan.requests();
        List<PushResult> results = expo.send(
                requests.stream().map(this::messages).toList(),
                clock.instant().plus(settings.batchTimeBudget()),
                (request, answers) -> ledger.record(plan.recordsOf(request, answers)));
        BatchOutcome outcome = plan.outcome(results);
        transactions.executeWithoutResult(status -> {
            hygiene.deactivateNotRegistered(outcome.notRegistered());
            ledger.markProcessed(outcome.processed());
            deadLetters.record(outcome.deadLetters());
        });
        if (!outcome.deadLetters().isEmpty()) {
            deadLetters.publishSoon();
        }
        report(results, outcome);
        if (outcome.firstUnfinished() < records.size()) {
            log.warn(
                    "{} pushes failed transiently and {} events wait for throttled devices; redelivering from"
                            + " offset {} in {} ms",
                    outcome.transientFailures(),
                    outcome.waitingForThrottledDevices(),
                    records.get(outcome.firstUnfinished()).offset(),
                    settings.retryDelay().toMillis());
            acknowledgment.nack(outcome.firstUnfinished(), settings.retryDelay());
        } else {
            acknowledgment.acknowledge();
        }
    }

    private DeliveryPlan plan(List<ConsumerRecord<String, byte[]>> records) {
        List<Incoming> incoming = DeliveryPlan.decode(records);
        List<Incoming> pending = DeliveryPlan.pending(incoming, ledger.processed(DeliveryPlan.eventIds(incoming)));
        List<UUID> pendingIds = DeliveryPlan.eventIds(pending);
        return DeliveryPlan.of(
                incoming,
                pending,
                ledger.deliveriesOf(pendingIds),
                tokens.activeDevicesOf(pending.stream()
                        .map(in -> in.event().receiverId())
                        .distinct()
                        .toList()),
                expo.recipientsPerRequest(),
                settings.maxDeviceAttempts());
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
