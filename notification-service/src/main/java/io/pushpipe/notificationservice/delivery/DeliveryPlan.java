package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Delivery;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeliveryRecord;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ProcessedEvent;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Status;
import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import io.pushpipe.notificationservice.expo.ExpoError;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.Devices.Device;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The decisions of one batch, without Kafka, a database or Expo: which records are poison, which devices
 * get a push and in which requests, and, once Expo answered, what each answer records and which events are
 * finished, dead-lettered or redelivered.
 *
 * <p>An event that must wait for a device (throttled, or still owed an earlier event of the receiver) is
 * deferred: put aside in {@code deferred_events} instead of holding the Kafka partition, so that only that
 * device's pushes wait. Only an event that Expo could not take at all (unreachable, the circuit
 * open, the batch out of time) is redelivered from Kafka, with everything after it.
 *
 * <p>A receiver's pushes travel in one request whenever they fit, so that Expo being unreachable, a
 * refused call or a used-up time budget fails all of them together: a receiver's later event can then
 * never reach the phone while an earlier one waits for its redelivery.
 */
final class DeliveryPlan {

    private final List<Incoming> incoming;
    private final List<Incoming> pending;
    private final Map<UUID, Map<String, Delivery>> earlier;
    private final Map<UUID, List<Device>> devices;
    private final List<List<Push>> requests;
    private final Set<UUID> waitingForDevices;
    private final Map<UUID, Integer> deferredBefore;
    private final int maxDeviceAttempts;

    private DeliveryPlan(
            List<Incoming> incoming,
            List<Incoming> pending,
            Map<UUID, Map<String, Delivery>> earlier,
            Map<UUID, List<Device>> devices,
            List<List<Push>> requests,
            Set<UUID> waitingForDevices,
            Map<UUID, Integer> deferredBefore,
            int maxDeviceAttempts) {
        this.incoming = incoming;
        this.pending = pending;
        this.earlier = earlier;
        this.devices = devices;
        this.requests = requests;
        this.waitingForDevices = waitingForDevices;
        this.deferredBefore = deferredBefore;
        this.maxDeviceAttempts = maxDeviceAttempts;
    }

    /** Decodes every record, remembering its index; a record that cannot be an event is poison. */
    static List<Incoming> decode(List<ConsumerRecord<String, byte[]>> records) {
        List<Incoming> incoming = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            String type = header(record, EventHeaders.EVENT_TYPE);
            if (type != null && !MessageSent.EVENT_TYPE.equals(type)) {
                incoming.add(Incoming.poison(
                        i, record, DeadLetterReason.UNKNOWN_EVENT_TYPE, "unknown event type '" + type + "'"));
                continue;
            }
            try {
                incoming.add(new Incoming(i, record, MessageSentCodec.decode(record.value()), null));
            } catch (MessageSentCodec.MalformedEventException e) {
                incoming.add(Incoming.poison(i, record, DeadLetterReason.POISON, e.getMessage()));
            }
        }
        return incoming;
    }

    /** The event ids of the decoded records. */
    static List<UUID> eventIds(List<Incoming> incoming) {
        return incoming.stream()
                .filter(in -> in.event() != null)
                .map(in -> in.event().eventId())
                .distinct()
                .toList();
    }

    /** Events not handled before, each once even if it came twice, in the batch's order. */
    static List<Incoming> pending(List<Incoming> incoming, Set<UUID> processed) {
        Map<UUID, Incoming> pending = new LinkedHashMap<>();
        incoming.stream()
                .filter(in ->
                        in.event() != null && !processed.contains(in.event().eventId()))
                .forEach(in -> pending.putIfAbsent(in.event().eventId(), in));
        return List.copyOf(pending.values());
    }

    /**
     * Plans the pushes: every active device of each pending event's receiver, except those that Expo already
     * answered for finally and those that must wait: a throttled device, or one that an earlier event of the
     * receiver still waits for (in {@code deferred_events}, or earlier in this batch). Such an event goes to
     * the other devices now and is deferred for the waiting ones, so that every device gets the receiver's
     * events in order.
     *
     * @param earlier earlier outcomes of the pending events, by event id and token
     * @param devices the receivers' active devices
     * @param waitingDevices per receiver, the tokens that earlier deferred events still wait for
     * @param deferredBefore how often each event was deferred before (absent: never)
     * @param recipientsPerRequest the most pushes one request carries
     * @param maxDevicesPerEvent the most devices one event goes to: the most recently registered ones
     * @param urgentTypes the types whose receivers' pushes go in the first requests, so that under Expo's limit
     *     they are not queued behind a bulk of others; each receiver's pushes keep their order
     */
    static DeliveryPlan of(
            List<Incoming> incoming,
            List<Incoming> pending,
            Map<UUID, Map<String, Delivery>> earlier,
            Map<UUID, List<Device>> devices,
            Map<UUID, Set<String>> waitingDevices,
            Map<UUID, Integer> deferredBefore,
            int recipientsPerRequest,
            int maxDevicesPerEvent,
            int maxDeviceAttempts,
            Set<MessageType> urgentTypes) {
        Map<UUID, List<Push>> pushesByReceiver = new LinkedHashMap<>();
        Set<UUID> waiting = new HashSet<>();
        Map<UUID, Set<String>> blocked = new HashMap<>();
        waitingDevices.forEach((receiver, tokens) -> blocked.put(receiver, new HashSet<>(tokens)));
        for (Incoming in : pending) {
            MessageSent event = in.event();
            Set<String> blockedTokens = blocked.computeIfAbsent(event.receiverId(), id -> new HashSet<>());
            for (Device device : newest(devices.getOrDefault(event.receiverId(), List.of()), maxDevicesPerEvent)) {
                Delivery before =
                        earlier.getOrDefault(event.eventId(), Map.of()).get(device.expoToken());
                if (before != null && before.finished()) {
                    continue;
                }
                if (device.throttled() || blockedTokens.contains(device.expoToken())) {
                    waiting.add(event.eventId());
                    blockedTokens.add(device.expoToken());
                } else {
                    pushesByReceiver
                            .computeIfAbsent(event.receiverId(), id -> new ArrayList<>())
                            .add(new Push(in, device.expoToken(), before == null ? 0 : before.attempts()));
                }
            }
        }
        return new DeliveryPlan(
                incoming,
                pending,
                earlier,
                devices,
                pack(urgentFirst(pushesByReceiver.values(), urgentTypes), recipientsPerRequest),
                waiting,
                deferredBefore,
                maxDeviceAttempts);
    }

    /** The last {@code limit} devices: the list is in registration order. */
    private static List<Device> newest(List<Device> devices, int limit) {
        return devices.size() <= limit ? devices : devices.subList(devices.size() - limit, devices.size());
    }

    /** The receivers with a push of an urgent type first, otherwise in the batch's order. */
    private static List<List<Push>> urgentFirst(Collection<List<Push>> byReceiver, Set<MessageType> urgentTypes) {
        List<List<Push>> ordered = new ArrayList<>(byReceiver.size());
        Predicate<List<Push>> urgent = pushes -> pushes.stream()
                .anyMatch(push -> urgentTypes.contains(push.in().event().messageType()));
        byReceiver.stream().filter(urgent).forEach(ordered::add);
        byReceiver.stream().filter(urgent.negate()).forEach(ordered::add);
        return ordered;
    }

    /** Packs each receiver's pushes into one request when they fit, starting a new request when not. */
    private static List<List<Push>> pack(Iterable<List<Push>> byReceiver, int recipientsPerRequest) {
        List<List<Push>> requests = new ArrayList<>();
        List<Push> current = new ArrayList<>();
        for (List<Push> pushes : byReceiver) {
            if (!current.isEmpty() && current.size() + pushes.size() > recipientsPerRequest) {
                requests.add(current);
                current = new ArrayList<>();
            }
            for (Push push : pushes) {
                if (current.size() == recipientsPerRequest) {
                    requests.add(current);
                    current = new ArrayList<>();
                }
                current.add(push);
            }
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    /** The pushes to send, grouped in requests. */
    List<List<Push>> requests() {
        return requests;
    }

    /** What to write in the ledger for one request's answers, as soon as they arrive. */
    List<DeliveryRecord> recordsOf(int request, List<PushResult> results) {
        List<Push> pushes = requests.get(request);
        List<DeliveryRecord> records = new ArrayList<>();
        for (int i = 0; i < pushes.size(); i++) {
            record(pushes.get(i), results.get(i)).ifPresent(records::add);
        }
        return records;
    }

    /**
     * A device's outcome: accepted; failed for good; or to retry for a throttled device. Nothing for a push
     * that was not sent or that Expo could not take now: it is simply tried again.
     */
    private Optional<DeliveryRecord> record(Push push, PushResult result) {
        if (result instanceof PushResult.Accepted accepted) {
            return Optional.of(push.record(Status.ACCEPTED, accepted.ticketId(), null, null));
        }
        PushResult.Failed failed = (PushResult.Failed) result;
        return switch (failed.error().handling()) {
            case RETRY_LATER, NOT_ATTEMPTED -> Optional.empty();
            case THROTTLE_DEVICE ->
                Optional.of(push.record(
                        push.attemptsBefore() + 1 >= maxDeviceAttempts ? Status.FAILED : Status.RETRY,
                        null,
                        failed.errorCode(),
                        failed.message()));
            case DEACTIVATE_TOKEN, DEAD_LETTER ->
                Optional.of(push.record(Status.FAILED, null, failed.errorCode(), failed.message()));
        };
    }

    /**
     * What the batch's answers mean, given every push's result in the order of {@link #requests()}.
     * Records from the first unfinished event on are redelivered: only those before it are finished or
     * dead-lettered, so that nothing is dead-lettered or reported twice.
     */
    BatchOutcome outcome(List<PushResult> results) {
        Set<UUID> deferred = new HashSet<>(waitingForDevices);
        Set<UUID> unfinished = new HashSet<>();
        Map<UUID, ExpoError> needsHuman = new LinkedHashMap<>();
        Map<UUID, String> needsHumanMessage = new LinkedHashMap<>();
        Map<UUID, Integer> accepted = new LinkedHashMap<>();
        List<String> notRegistered = new ArrayList<>();
        List<String> failureCodes = new ArrayList<>();
        int transientFailures = 0;
        int index = 0;
        for (List<Push> request : requests) {
            for (Push push : request) {
                PushResult result = results.get(index++);
                UUID eventId = push.in().event().eventId();
                if (result instanceof PushResult.Accepted) {
                    accepted.merge(eventId, 1, Integer::sum);
                    continue;
                }
                PushResult.Failed failed = (PushResult.Failed) result;
                failureCodes.add(failed.errorCode());
                ExpoError error = failed.error();
                switch (error.handling()) {
                    case DEACTIVATE_TOKEN -> notRegistered.add(push.token());
                    case DEAD_LETTER -> {
                        needsHuman.putIfAbsent(eventId, error);
                        needsHumanMessage.putIfAbsent(eventId, failed.errorCode());
                    }
                    case THROTTLE_DEVICE -> {
                        transientFailures++;
                        if (push.attemptsBefore() + 1 < maxDeviceAttempts) {
                            deferred.add(eventId);
                        }
                    }
                    case RETRY_LATER, NOT_ATTEMPTED -> {
                        transientFailures++;
                        unfinished.add(eventId);
                    }
                }
            }
        }
        int firstUnfinished = pending.stream()
                .filter(in -> unfinished.contains(in.event().eventId()))
                .mapToInt(Incoming::index)
                .min()
                .orElse(incoming.size());
        List<ProcessedEvent> finished = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<Finished> delivered = new ArrayList<>();
        List<Deferral> deferrals = new ArrayList<>();
        for (Incoming in : incoming) {
            if (in.index() >= firstUnfinished) {
                break;
            }
            if (in.poison() != null) {
                deadLetters.add(new DeadLetter(
                        in.record(), in.poison().reason(), in.poison().explanation()));
            }
        }
        for (Incoming in : pending) {
            if (in.index() >= firstUnfinished) {
                continue;
            }
            MessageSent event = in.event();
            if (deferred.contains(event.eventId())) {
                deferrals.add(new Deferral(in, deferredBefore.getOrDefault(event.eventId(), 0) + 1));
                continue;
            }
            ExpoError human = needsHuman.get(event.eventId());
            Outcome outcome;
            if (human != null) {
                deadLetters.add(new DeadLetter(
                        in.record(),
                        human.deadLetterReason(),
                        "Expo refused the push: " + needsHumanMessage.get(event.eventId())));
                outcome = Outcome.DEAD_LETTERED;
            } else if (!devices.containsKey(event.receiverId()) && !earlier.containsKey(event.eventId())) {
                outcome = Outcome.NO_TOKENS;
            } else {
                outcome = Outcome.DELIVERED;
            }
            finished.add(new ProcessedEvent(event.eventId(), event.messageId(), outcome));
            delivered.add(new Finished(event, outcome, accepted.getOrDefault(event.eventId(), 0)));
        }
        return new BatchOutcome(
                finished,
                delivered,
                deadLetters,
                deferrals,
                notRegistered,
                failureCodes,
                transientFailures,
                firstUnfinished);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A record of the batch at its index: an event, or poison with the reason. */
    record Incoming(int index, ConsumerRecord<String, byte[]> record, MessageSent event, Poison poison) {

        static Incoming poison(
                int index, ConsumerRecord<String, byte[]> record, DeadLetterReason reason, String explanation) {
            return new Incoming(index, record, null, new Poison(reason, explanation));
        }
    }

    record Poison(DeadLetterReason reason, String explanation) {}

    /** One push to one device, with how often it was tried before. */
    record Push(Incoming in, String token, int attemptsBefore) {

        DeliveryRecord record(Status status, String ticketId, String errorCode, String errorMessage) {
            MessageSent event = in.event();
            return new DeliveryRecord(
                    event.eventId(),
                    token,
                    event.messageId(),
                    event.receiverId(),
                    status,
                    ticketId,
                    errorCode,
                    errorMessage);
        }
    }

    /** A record to publish to the DLT, and why. */
    record DeadLetter(ConsumerRecord<String, byte[]> record, DeadLetterReason reason, String explanation) {}

    /**
     * An event put aside until its receiver can take it: a device of the receiver is throttled, or an earlier
     * event of the receiver waits.
     *
     * @param attempts how often it has been deferred, this time included
     */
    record Deferral(Incoming in, int attempts) {}

    /** An event handled to the end in this batch, with how many devices Expo accepted it for now. */
    record Finished(MessageSent event, Outcome outcome, int acceptedNow) {}

    /**
     * What the batch's answers mean.
     *
     * @param processed the events handled to the end, for the ledger
     * @param finished the same events, for the operator's log lines
     * @param deadLetters records to dead-letter: poison and events that need a person
     * @param deferrals events to put aside for their receiver
     * @param notRegistered tokens Expo does not know any more
     * @param failureCodes the error code of every push that failed, for the metrics
     * @param transientFailures pushes that failed but may succeed later
     * @param firstUnfinished index of the first record to redeliver (Expo could not take it now); the
     *     batch's size when none
     */
    record BatchOutcome(
            List<ProcessedEvent> processed,
            List<Finished> finished,
            List<DeadLetter> deadLetters,
            List<Deferral> deferrals,
            List<String> notRegistered,
            List<String> failureCodes,
            int transientFailures,
            int firstUnfinished) {}
}
