package io.pushpipe.notificationservice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Delivery;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.DeliveryRecord;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Outcome;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.ProcessedEvent;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.Status;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.BatchOutcome;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.DeadLetter;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Deferral;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Incoming;
import io.pushpipe.notificationservice.delivery.DeliveryPlan.Push;
import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import io.pushpipe.notificationservice.expo.PushResult;
import io.pushpipe.notificationservice.token.Devices.Device;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The batch's decisions, without Kafka, a database or Expo. */
class DeliveryPlanTests {

    private static final PushResult OK = new PushResult.Accepted("ticket");
    private static final PushResult CIRCUIT_OPEN = new PushResult.Failed("CIRCUIT_OPEN", "open");

    private final UUID alice = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    private final Map<UUID, List<Device>> devices = new LinkedHashMap<>();
    private final Map<UUID, Map<String, Delivery>> earlier = new LinkedHashMap<>();
    private final Map<UUID, Set<String>> waitingDevices = new LinkedHashMap<>();

    @Test
    void aReceiversPushesTravelInOneRequestSoAnOutageFailsThemTogether() {
        devices(alice, "a1", "a2", "a3");
        devices(bob, "b1", "b2", "b3");
        event(alice);
        event(bob);
        event(alice);

        DeliveryPlan plan = plan(4);

        assertThat(plan.requests())
                .extracting(request -> request.stream().map(Push::token).toList())
                .containsExactly(List.of("a1", "a2", "a3", "a1"), List.of("a2", "a3"), List.of("b1", "b2", "b3"));
        assertThat(plan(6).requests())
                .extracting(request -> request.stream().map(Push::token).toList())
                .containsExactly(List.of("a1", "a2", "a3", "a1", "a2", "a3"), List.of("b1", "b2", "b3"));
    }

    @Test
    void aRefusedRequestRecordsNothingAndRedeliversFromItsFirstEventWithoutFinishingLaterOnes() {
        devices(alice, "a1");
        devices(bob, "b1");
        MessageSent first = event(bob);
        MessageSent refused = event(alice);
        event(bob);
        poison();
        DeliveryPlan plan = plan(2);
        assertThat(plan.requests()).hasSize(2);

        List<DeliveryRecord> bobsRecords = plan.recordsOf(0, List.of(OK, OK));
        List<DeliveryRecord> alicesRecords = plan.recordsOf(1, List.of(CIRCUIT_OPEN));
        BatchOutcome outcome = plan.outcome(List.of(OK, OK, CIRCUIT_OPEN));

        assertThat(bobsRecords).extracting(DeliveryRecord::status).containsExactly(Status.ACCEPTED, Status.ACCEPTED);
        assertThat(alicesRecords).isEmpty();
        assertThat(outcome.firstUnfinished()).isEqualTo(indexOf(refused));
        assertThat(outcome.processed())
                .containsExactly(new ProcessedEvent(first.eventId(), first.messageId(), Outcome.DELIVERED));
        assertThat(outcome.deadLetters()).isEmpty();
    }

    @Test
    void aCredentialsFailureDeadLettersItsEventWithItsReasonAndAPoisonRecordAsPoison() {
        devices(alice, "a1", "a2");
        MessageSent event = event(alice);
        poison();
        DeliveryPlan plan = plan(100);
        List<PushResult> results =
                List.of(OK, new PushResult.Failed("InvalidCredentials", "Unable to retrieve the FCM server key"));

        List<DeliveryRecord> recorded = plan.recordsOf(0, results);
        BatchOutcome outcome = plan.outcome(results);

        assertThat(recorded).extracting(DeliveryRecord::status).containsExactly(Status.ACCEPTED, Status.FAILED);
        assertThat(outcome.processed())
                .containsExactly(new ProcessedEvent(event.eventId(), event.messageId(), Outcome.DEAD_LETTERED));
        assertThat(outcome.deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactlyInAnyOrder(DeadLetterReason.INVALID_CREDENTIALS, DeadLetterReason.POISON);
        assertThat(outcome.firstUnfinished()).isEqualTo(records.size());
    }

    @Test
    void devicesThatAnEarlierAttemptFinishedAreNotPushedAgainButFailuresThatNeedAPersonAre() {
        devices(alice, "accepted", "unregistered", "credentials", "new");
        MessageSent event = event(alice);
        earlier.put(
                event.eventId(),
                Map.of(
                        "accepted", new Delivery(Status.ACCEPTED, 1, null),
                        "unregistered", new Delivery(Status.FAILED, 1, "DeviceNotRegistered"),
                        "credentials", new Delivery(Status.FAILED, 1, "InvalidCredentials")));

        DeliveryPlan plan = plan(100);

        assertThat(plan.requests().get(0)).extracting(Push::token).containsExactly("credentials", "new");
        assertThat(plan.requests().get(0).get(0).attemptsBefore()).isEqualTo(1);
    }

    @Test
    void aThrottledDeviceDefersItsEventAndTheReceiversLaterOnesWhileItsOtherDevicesAndOthersGetThemNow() {
        devices.put(alice, List.of(new Device("slow", true), new Device("phone", false)));
        devices(bob, "b1");
        MessageSent first = event(alice);
        MessageSent bobs = event(bob);
        MessageSent second = event(alice);
        DeliveryPlan plan = plan(100);

        BatchOutcome outcome = plan.outcome(List.of(OK, OK, OK));

        assertThat(plan.requests())
                .extracting(request -> request.stream().map(Push::token).toList())
                .containsExactly(List.of("phone", "phone", "b1"));
        assertThat(outcome.deferrals())
                .extracting(d -> d.in().event().eventId(), Deferral::attempts)
                .containsExactly(tuple(first.eventId(), 1), tuple(second.eventId(), 1));
        assertThat(outcome.processed()).extracting(ProcessedEvent::eventId).containsExactly(bobs.eventId());
        assertThat(outcome.firstUnfinished()).isEqualTo(records.size());
    }

    @Test
    void aDeviceAnEarlierDeferredEventStillWaitsForGetsNothingUntilItsTurnButTheOtherDevicesDo() {
        devices(alice, "owed", "even");
        devices(bob, "b1");
        MessageSent alices = event(alice);
        event(bob);
        waitingDevices.put(alice, Set.of("owed"));
        DeliveryPlan plan = plan(100);

        BatchOutcome outcome = plan.outcome(List.of(OK, OK));

        assertThat(plan.requests())
                .singleElement()
                .satisfies(r -> assertThat(r).extracting(Push::token).containsExactly("even", "b1"));
        assertThat(outcome.deferrals())
                .extracting(d -> d.in().event().eventId())
                .containsExactly(alices.eventId());
    }

    @Test
    void anUnregisteredDeviceIsDeactivatedAndItsEventFinished() {
        devices(alice, "gone");
        MessageSent event = event(alice);
        DeliveryPlan plan = plan(100);

        BatchOutcome outcome = plan.outcome(List.of(new PushResult.Failed("DeviceNotRegistered", "not registered")));

        assertThat(outcome.notRegistered()).containsExactly("gone");
        assertThat(outcome.processed()).extracting(ProcessedEvent::eventId).containsExactly(event.eventId());
    }

    @Test
    void aDeviceExpoKeepsThrottlingIsGivenUpAfterTheLastAttempt() {
        devices(alice, "busy");
        MessageSent event = event(alice);
        earlier.put(event.eventId(), Map.of("busy", new Delivery(Status.RETRY, 4, "MessageRateExceeded")));
        DeliveryPlan plan = plan(100);
        List<PushResult> results = List.of(new PushResult.Failed("MessageRateExceeded", "slow down"));

        List<DeliveryRecord> recorded = plan.recordsOf(0, results);
        BatchOutcome outcome = plan.outcome(results);

        assertThat(recorded).extracting(DeliveryRecord::status).containsExactly(Status.FAILED);
        assertThat(outcome.processed()).extracting(ProcessedEvent::outcome).containsExactly(Outcome.DELIVERED);
        assertThat(outcome.deferrals()).isEmpty();
    }

    @Test
    void aDeviceExpoAsksToSlowDownDefersItsEventInsteadOfRedeliveringTheBatch() {
        devices(alice, "busy");
        MessageSent event = event(alice);
        DeliveryPlan plan = plan(100);
        List<PushResult> results = List.of(new PushResult.Failed("MessageRateExceeded", "slow down"));

        List<DeliveryRecord> recorded = plan.recordsOf(0, results);
        BatchOutcome outcome = plan.outcome(results);

        assertThat(recorded).extracting(DeliveryRecord::status).containsExactly(Status.RETRY);
        assertThat(outcome.deferrals())
                .extracting(d -> d.in().event().eventId())
                .containsExactly(event.eventId());
        assertThat(outcome.firstUnfinished()).isEqualTo(records.size());
    }

    @Test
    void anEventGoesToAtMostTheCappedNumberOfDevicesTheMostRecentlyRegistered() {
        devices(alice, "oldest", "old", "recent", "newest");
        event(alice);

        DeliveryPlan plan = plan(100);

        assertThat(plan.requests())
                .singleElement()
                .satisfies(r -> assertThat(r).extracting(Push::token).containsExactly("old", "recent", "newest"));
    }

    @Test
    void receiversWithAnInterviewInvitationOrATestGoFirstAndEachReceiversPushesKeepTheirOrder() {
        for (int i = 0; i < 150; i++) {
            UUID receiver = UUID.randomUUID();
            devices(receiver, "bulk" + i);
            event(receiver, MessageType.STATUS_UPDATE);
        }
        UUID bob = UUID.randomUUID();
        devices(alice, "alice");
        devices(bob, "bob");
        MessageSent aliceStatus = event(alice, MessageType.STATUS_UPDATE);
        MessageSent aliceInvitation = event(alice, MessageType.ZOOM_LINK);
        MessageSent bobTest = event(bob, MessageType.FORM_LINK);

        DeliveryPlan plan = plan(100);

        assertThat(plan.requests()).extracting(List::size).containsExactly(100, 53);
        assertThat(plan.requests().get(0))
                .extracting(push -> push.in().event().eventId())
                .as("alice's status update was sent before her invitation: it still reaches her first")
                .startsWith(aliceStatus.eventId(), aliceInvitation.eventId(), bobTest.eventId());
        assertThat(plan.requests().get(0).get(3).token()).isEqualTo("bulk0");
        assertThat(plan.requests().get(1)).extracting(Push::token).endsWith("bulk149");
    }

    @Test
    void anEventAlreadyProcessedOrSeenTwiceInTheBatchIsPlannedOnce() {
        devices(alice, "a1");
        MessageSent done = event(alice);
        MessageSent twice = event(alice);
        records.add(record(alice, twice));
        List<Incoming> incoming = DeliveryPlan.decode(records);

        List<Incoming> pending = DeliveryPlan.pending(incoming, Set.of(done.eventId()));

        assertThat(pending).extracting(in -> in.event().eventId()).containsExactly(twice.eventId());
    }

    private DeliveryPlan plan(int recipientsPerRequest) {
        List<Incoming> incoming = DeliveryPlan.decode(records);
        List<Incoming> pending = DeliveryPlan.pending(incoming, Set.of());
        return DeliveryPlan.of(
                incoming,
                pending,
                earlier,
                devices,
                waitingDevices,
                Map.of(),
                recipientsPerRequest,
                3,
                5,
                Set.of(MessageType.ZOOM_LINK, MessageType.FORM_LINK));
    }

    private void devices(UUID user, String... tokens) {
        devices.put(
                user,
                java.util.Arrays.stream(tokens).map(t -> new Device(t, false)).toList());
    }

    private MessageSent event(UUID receiver) {
        return event(receiver, MessageType.TEXT);
    }

    private MessageSent event(UUID receiver, MessageType type) {
        MessageSent event = MessageSent.of(
                UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), receiver, type, "hello", Instant.now());
        records.add(record(receiver, event));
        return event;
    }

    private ConsumerRecord<String, byte[]> record(UUID receiver, MessageSent event) {
        return new ConsumerRecord<>(
                Topics.MESSAGE_SENT, 0, records.size(), receiver.toString(), MessageSentCodec.encode(event));
    }

    private void poison() {
        records.add(new ConsumerRecord<>(
                Topics.MESSAGE_SENT, 0, records.size(), "key", "{]".getBytes(StandardCharsets.UTF_8)));
    }

    private int indexOf(MessageSent event) {
        return DeliveryPlan.decode(records).stream()
                .filter(in -> in.event() != null && in.event().eventId().equals(event.eventId()))
                .findFirst()
                .orElseThrow()
                .index();
    }
}
