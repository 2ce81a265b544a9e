package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Delivery;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeliveryRecord;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ProcessedEvent;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Status;
import io.pushpipe.notificationservice.expo.ExpoPushClient;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.TokenHygiene;
import io.pushpipe.notificationservice.token.TokenRegistry;
import io.pushpipe.notificationservice.token.TokenRegistry.Device;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers one poll's batch of {@code MessageSent} records:
 *
 * <ol>
 *   <li>drop events already handled, and devices Expo already answered for (redeliveries, replays);
 *   <li>look up the active tokens of every receiver in one query;
 *   <li>send every push through {@link ExpoPushClient} at once (it chunks, limits and retries);
 *   <li>record each device's outcome, deactivate tokens Expo does not know, mark finished events;
 *   <li>dead-letter poison records and events that need a human;
 *   <li>acknowledge the batch, or, when some pushes failed transiently, acknowledge the records before the
 *       first unfinished event and have the rest redelivered after {@code pushpipe.delivery.retry-delay}.
 * </ol>
 *
 * <p>Devices Expo asked to slow down (a {@code MessageRateExceeded} receipt) are not pushed to until
 * their wait is over; their events stay unfinished and are redelivered until then.
 *
 * <p>A push that failed for a reason a person must fix (credentials, a rejected request) dead-letters its
 * event; replaying the event after the fix tries those devices again, never the accepted ones.
 *
 * <p>The one unavoidable duplicate: Expo accepted a push and the process died before step 4 committed.
 * The redelivered event then pushes to that device again.
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

    NotificationDispatcher(
            TokenRegistry tokens,
            TokenHygiene hygiene,
            DeliveryLedger ledger,
            PushContent content,
            ExpoPushClient expo,
            DeadLetters deadLetters,
            TransactionTemplate transactions,
            NotificationServiceProperties properties,
            MeterRegistry meters) {
        this.tokens = tokens;
        this.hygiene = hygiene;
        this.ledger = ledger;
        this.content = content;
        this.expo = expo;
        this.deadLetters = deadLetters;
        this.transactions = transactions;
        this.settings = properties.delivery();
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
        List<Incoming> incoming = decode(records);
        Map<UUID, Incoming> pending = pendingEvents(incoming);
        Map<UUID, Map<String, Delivery>> earlier = ledger.deliveriesOf(pending.keySet());
        Map<UUID, List<Device>> activeTokens = tokens.activeDevicesOf(pending.values().stream()
                .map(in -> in.event().receiverId())
                .distinct()
                .toList());

        List<Push> pushes = new ArrayList<>();
        Set<UUID> waitingForThrottledDevices = new HashSet<>();
        for (Incoming in : pending.values()) {
            for (Device device : activeTokens.getOrDefault(in.event().receiverId(), List.of())) {
                Delivery before =
                        earlier.getOrDefault(in.event().eventId(), Map.of()).get(device.expoToken());
                if (before != null && before.finished()) {
                    continue;
                }
                if (device.throttled()) {
                    waitingForThrottledDevices.add(in.event().eventId());
                } else {
                    pushes.add(new Push(in, device.expoToken(), before == null ? 0 : before.attempts()));
                }
            }
        }
        List<PushResult> results = pushes.isEmpty()
                ? List.of()
                : expo.send(pushes.stream()
                        .map(p -> content.messageFor(p.in().event(), p.token()))
                        .toList());

        BatchOutcome outcome = new BatchOutcome();
        outcome.unfinished.addAll(waitingForThrottledDevices);
        for (int i = 0; i < pushes.size(); i++) {
            outcome.add(pushes.get(i), results.get(i), settings.maxDeviceAttempts());
        }
        int firstUnfinished = pending.values().stream()
                .filter(in -> outcome.unfinished.contains(in.event().eventId()))
                .mapToInt(Incoming::index)
                .min()
                .orElse(records.size());
        // Records from the first unfinished event on are redelivered: finish only those before it, so
        // that nothing is dead-lettered or reported twice.
        List<ProcessedEvent> finished = new ArrayList<>();
        for (Incoming in : pending.values()) {
            if (in.index() < firstUnfinished) {
                finished.add(finish(in, activeTokens, earlier, outcome));
            }
        }
        for (Incoming in : incoming) {
            if (in.poison() != null && in.index() < firstUnfinished) {
                deadLetters.send(in.record(), in.poison().reason(), in.poison().explanation());
            }
        }
        transactions.executeWithoutResult(status -> {
            ledger.record(outcome.records);
            hygiene.deactivateNotRegistered(outcome.notRegistered);
            ledger.markProcessed(finished);
        });
        if (firstUnfinished < records.size()) {
            log.warn(
                    "{} pushes failed transiently and {} events wait for throttled devices; redelivering from"
                            + " offset {} in {} ms",
                    outcome.transientFailures,
                    waitingForThrottledDevices.size(),
                    records.get(firstUnfinished).offset(),
                    settings.retryDelay().toMillis());
            acknowledgment.nack(firstUnfinished, settings.retryDelay());
        } else {
            acknowledgment.acknowledge();
        }
    }

    private ProcessedEvent finish(
            Incoming in,
            Map<UUID, List<Device>> activeTokens,
            Map<UUID, Map<String, Delivery>> earlier,
            BatchOutcome outcome) {
        MessageSent event = in.event();
        Optional<String> needsHuman = Optional.ofNullable(outcome.needsHuman.get(event.eventId()));
        if (needsHuman.isPresent()) {
            deadLetters.send(in.record(), reasonCode(needsHuman.get()), "Expo refused the push: " + needsHuman.get());
            return new ProcessedEvent(event.eventId(), event.messageId(), Outcome.DEAD_LETTERED);
        }
        boolean hadTokens = activeTokens.containsKey(event.receiverId()) || earlier.containsKey(event.eventId());
        if (!hadTokens) {
            log.warn("⚠️ No push token found for user {}", event.receiverId());
            return new ProcessedEvent(event.eventId(), event.messageId(), Outcome.NO_TOKENS);
        }
        int accepted = outcome.acceptedPerEvent.getOrDefault(event.eventId(), 0);
        if (accepted > 0) {
            log.info("✅ Push notification sent successfully messageId={} devices={}", event.messageId(), accepted);
            log.info("🔔 Push notification sent to user {}", event.receiverId());
        }
        return new ProcessedEvent(event.eventId(), event.messageId(), Outcome.DELIVERED);
    }

    /** Decodes every record, remembering its index; a record that cannot be an event is poison. */
    private List<Incoming> decode(List<ConsumerRecord<String, byte[]>> records) {
        List<Incoming> incoming = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            String type = header(record, EventHeaders.EVENT_TYPE);
            if (type != null && !MessageSent.EVENT_TYPE.equals(type)) {
                incoming.add(Incoming.poison(i, record, "UNKNOWN_EVENT_TYPE", "unknown event type '" + type + "'"));
                continue;
            }
            try {
                incoming.add(new Incoming(i, record, MessageSentCodec.decode(record.value()), null));
            } catch (MessageSentCodec.MalformedEventException e) {
                incoming.add(Incoming.poison(i, record, "POISON", e.getMessage()));
            }
        }
        return incoming;
    }

    /** Events of this batch not handled before, each once even if it came twice. */
    private Map<UUID, Incoming> pendingEvents(List<Incoming> incoming) {
        List<Incoming> events =
                incoming.stream().filter(in -> in.event() != null).toList();
        Set<UUID> processed =
                ledger.processed(events.stream().map(in -> in.event().eventId()).toList());
        Map<UUID, Incoming> pending = new LinkedHashMap<>();
        events.stream()
                .filter(in -> !processed.contains(in.event().eventId()))
                .forEach(in -> pending.putIfAbsent(in.event().eventId(), in));
        return pending;
    }

    private static String reasonCode(String expoError) {
        return switch (expoError) {
            case "InvalidCredentials", "MismatchSenderId" -> "INVALID_CREDENTIALS";
            case "MessageTooBig" -> "MESSAGE_TOO_BIG";
            case "UNAUTHORIZED" -> "EXPO_UNAUTHORIZED";
            default -> "EXPO_REJECTED";
        };
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void countFailure(String reason) {
        Counter.builder("pushpipe.notifications.failed")
                .description("Pushes Expo did not accept, by reason")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    /** A record of the batch: an event, or poison with the reason. */
    private record Incoming(int index, ConsumerRecord<String, byte[]> record, MessageSent event, Poison poison) {

        static Incoming poison(int index, ConsumerRecord<String, byte[]> record, String reason, String explanation) {
            return new Incoming(index, record, null, new Poison(reason, explanation));
        }
    }

    private record Poison(String reason, String explanation) {}

    /** One push to one device, with how often it was tried before. */
    private record Push(Incoming in, String token, int attemptsBefore) {}

    /** What Expo's answers mean for the batch. */
    private final class BatchOutcome {

        final List<DeliveryRecord> records = new ArrayList<>();
        final Set<String> notRegistered = new HashSet<>();
        final Set<UUID> unfinished = new HashSet<>();
        final Map<UUID, String> needsHuman = new LinkedHashMap<>();
        final Map<UUID, Integer> acceptedPerEvent = new LinkedHashMap<>();
        int transientFailures;

        void add(Push push, PushResult result, int maxDeviceAttempts) {
            MessageSent event = push.in().event();
            if (result instanceof PushResult.Accepted accepted) {
                records.add(record(push, Status.ACCEPTED, accepted.ticketId(), null, null));
                acceptedPerEvent.merge(event.eventId(), 1, Integer::sum);
                sent.increment();
                return;
            }
            PushResult.Failed failed = (PushResult.Failed) result;
            countFailure(failed.errorCode());
            if (!failed.transientFailure()) {
                records.add(record(push, Status.FAILED, null, failed.errorCode(), failed.message()));
                if ("DeviceNotRegistered".equals(failed.errorCode())) {
                    notRegistered.add(push.token());
                } else {
                    needsHuman.putIfAbsent(event.eventId(), failed.errorCode());
                }
                return;
            }
            transientFailures++;
            if (!"MessageRateExceeded".equals(failed.errorCode())) {
                unfinished.add(event.eventId());
            } else if (push.attemptsBefore() + 1 >= maxDeviceAttempts) {
                records.add(record(push, Status.FAILED, null, failed.errorCode(), failed.message()));
            } else {
                records.add(record(push, Status.RETRY, null, failed.errorCode(), failed.message()));
                unfinished.add(event.eventId());
            }
        }

        private DeliveryRecord record(
                Push push, Status status, String ticketId, String errorCode, String errorMessage) {
            MessageSent event = push.in().event();
            return new DeliveryRecord(
                    event.eventId(),
                    push.token(),
                    event.messageId(),
                    event.receiverId(),
                    status,
                    ticketId,
                    errorCode,
                    errorMessage);
        }
    }
}
