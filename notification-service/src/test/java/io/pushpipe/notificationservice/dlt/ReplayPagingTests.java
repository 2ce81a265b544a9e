package io.pushpipe.notificationservice.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.notificationservice.dlt.DeadLetterReader.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/** A replay of many dead letters goes page by page: bounded statements, one page of payloads at a time. */
class ReplayPagingTests extends NotificationIntegrationTest {

    private static final String TARGET = "replay-paging-target";

    @Autowired
    ReplayLedger ledger;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    KafkaAdmin admin;

    @Autowired
    KafkaProperties kafkaProperties;

    @Test
    void theLedgerAnswersForMoreDeadLettersThanOneStatementCanHoldBindParameters() {
        int partition = 10_000 + (int) (Math.random() * 10_000);
        List<DeadLetter> letters = IntStream.range(0, 40_000)
                .mapToObj(offset -> letter(partition, offset))
                .toList();
        ledger.record(List.of(
                new ReplayLedger.Replay(letters.get(7), TARGET, 0, 1, false, "test"),
                new ReplayLedger.Replay(letters.get(39_999), TARGET, 0, 2, false, "test")));

        assertThat(ledger.replayed(letters)).containsExactlyInAnyOrder(partition + ":7", partition + ":39999");
    }

    @Test
    void aFilterReplayChecksReadsAndSendsTheSelectionOnePageAtATime() {
        admin.createOrModifyTopics(TopicBuilder.name(TARGET).partitions(1).build());
        String receiver = UUID.randomUUID().toString();
        for (int i = 0; i < 7; i++) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    Topics.MESSAGE_SENT_DLT, receiver, ("dead letter " + i).getBytes(StandardCharsets.UTF_8));
            record.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, TARGET.getBytes(StandardCharsets.UTF_8));
            kafka.send(record).join();
        }
        List<Integer> pagesRead = new CopyOnWriteArrayList<>();
        DeadLetterReader reader = new DeadLetterReader(kafkaProperties) {
            @Override
            Map<Position, ConsumerRecord<String, byte[]>> records(Collection<Position> positions) {
                pagesRead.add(positions.size());
                return super.records(positions);
            }
        };
        DeadLetterReplayer replayer = new DeadLetterReplayer(reader, ledger, kafka, 3);

        ReplayResult result = replayer.replay(
                new ReplayRequest(
                        null, null, new DeadLetterFilter(null, null, null, null, null, receiver), false, false),
                "test");

        assertThat(result.replayed()).isEqualTo(7);
        assertThat(pagesRead).containsExactly(3, 3, 1);
        ReplayResult again = replayer.replay(
                new ReplayRequest(
                        null, null, new DeadLetterFilter(null, null, null, null, null, receiver), false, false),
                "test");
        assertThat(again.replayed()).as("each was recorded as replayed").isZero();
        assertThat(again.skipped()).isEqualTo(7);
    }

    private static DeadLetter letter(int partition, long offset) {
        return new DeadLetter(
                partition,
                offset,
                Instant.EPOCH,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Topics.MESSAGE_SENT,
                null,
                null,
                false,
                null,
                null);
    }
}
