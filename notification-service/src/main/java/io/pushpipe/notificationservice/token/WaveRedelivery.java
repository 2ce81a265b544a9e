package io.pushpipe.notificationservice.token;

import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.delivery.DeliveryLedger;
import io.pushpipe.notificationservice.delivery.DeliveryLedger.NotRegisteredPush;
import io.pushpipe.notificationservice.delivery.EventArchive;
import io.pushpipe.notificationservice.dlt.DltProperties;
import io.pushpipe.notificationservice.expo.ExpoError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends again what a false wave of {@code DeviceNotRegistered} made fail, when an operator restores the
 * quarantine. The wave's pushes are those answered {@code DeviceNotRegistered} (when sent, or in their
 * receipt) since the quarantine began (less {@link #SLACK}: a batch records its answers before it
 * quarantines) to tokens that are active now: during a quarantine nothing is deactivated, so each such
 * answer was held back, or its token was registered again since.
 *
 * <p>Each affected event is read back from {@code message-sent} ({@link EventArchive}), its ledger rows are reopened ({@link DeliveryLedger#reopen}) and the record is published to {@code
 * message-sent} again, as a dead-letter replay is, with {@code pushpipe-replayed-from}. The normal delivery
 * path then pushes it to exactly the reopened devices: those that accepted it are skipped as always. Work goes
 * in pages of {@code pushpipe.dlt.replay-page-size}; an event that {@code message-sent} no longer holds (its
 * retention passed) is counted as not found.
 */
@Component
class WaveRedelivery {

    /** How long before the quarantine began a push of the wave may have been answered. */
    static final Duration SLACK = Duration.ofMinutes(10);

    static final String REPLAYED_FROM = "pushpipe-replayed-from";

    private static final Logger log = LoggerFactory.getLogger(WaveRedelivery.class);

    private final DeliveryLedger ledger;
    private final TokenRegistry registry;
    private final KafkaTemplate<String, byte[]> kafka;
    private final EventArchive archive;
    private final int pageSize;
    private final Clock clock = Clock.systemUTC();

    WaveRedelivery(
            DeliveryLedger ledger,
            TokenRegistry registry,
            KafkaTemplate<String, byte[]> kafka,
            EventArchive archive,
            DltProperties dlt) {
        this.ledger = ledger;
        this.registry = registry;
        this.kafka = kafka;
        this.archive = archive;
        this.pageSize = dlt.replayPageSize();
    }

    /** Sends again every push of the wave that began at {@code waveStarted}, page by page. */
    Outcome resendSince(Instant waveStarted) {
        Instant until = clock.instant();
        Outcome outcome = Outcome.NONE;
        NotRegisteredPush after = null;
        while (true) {
            List<NotRegisteredPush> page =
                    ledger.notRegisteredBetween(waveStarted.minus(SLACK), until, after, pageSize);
            if (page.isEmpty()) {
                return outcome;
            }
            after = page.get(page.size() - 1);
            Set<String> active = registry.activeAmong(
                    page.stream().map(NotRegisteredPush::expoToken).collect(Collectors.toSet()));
            outcome = outcome.plus(resend(page.stream()
                    .filter(push -> active.contains(push.expoToken()))
                    .toList()));
            if (page.size() < pageSize) {
                return outcome;
            }
        }
    }

    private Outcome resend(List<NotRegisteredPush> pushes) {
        if (pushes.isEmpty()) {
            return Outcome.NONE;
        }
        Map<UUID, List<NotRegisteredPush>> byEvent = pushes.stream()
                .collect(Collectors.groupingBy(NotRegisteredPush::eventId, LinkedHashMap::new, Collectors.toList()));
        Map<UUID, ConsumerRecord<String, byte[]>> found =
                archive.find(pushes.stream().map(NotRegisteredPush::push).toList());
        ledger.reopen(
                found.keySet().stream()
                        .flatMap(id -> byEvent.get(id).stream())
                        .map(NotRegisteredPush::push)
                        .toList(),
                ExpoError.DEVICE_NOT_REGISTERED);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : found.values()) {
            ProducerRecord<String, byte[]> again =
                    new ProducerRecord<>(Topics.MESSAGE_SENT, null, record.key(), record.value());
            for (Header header : record.headers()) {
                if (!header.key().equals(REPLAYED_FROM)) {
                    again.headers().add(header);
                }
            }
            again.headers()
                    .add(
                            REPLAYED_FROM,
                            (record.topic() + "/" + record.partition() + "@" + record.offset())
                                    .getBytes(StandardCharsets.UTF_8));
            sends.add(kafka.send(again));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        int notFound = byEvent.size() - found.size();
        if (notFound > 0) {
            log.warn(
                    "{} events of the DeviceNotRegistered wave are no longer in {} and were not sent again",
                    notFound,
                    Topics.MESSAGE_SENT);
        }
        log.info("Sent {} events of the DeviceNotRegistered wave again", found.size());
        return new Outcome(found.size(), notFound);
    }

    /**
     * What a restore sent again.
     *
     * @param resent events published to {@code message-sent} again
     * @param notFound events {@code message-sent} no longer holds
     */
    record Outcome(int resent, int notFound) {

        static final Outcome NONE = new Outcome(0, 0);

        Outcome plus(Outcome other) {
            return new Outcome(resent + other.resent, notFound + other.notFound);
        }
    }
}
