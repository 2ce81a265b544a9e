package io.pushpipe.notificationservice;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes events to {@code message-sent} exactly as message-service's outbox relay does. */
public final class Events {

    private final KafkaTemplate<String, byte[]> kafka;

    public Events(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    public MessageSent publish(UUID receiver, MessageType type, String content) {
        MessageSent event = MessageSent.of(
                UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), receiver, type, content, Instant.now());
        publish(event);
        return event;
    }

    public void publish(MessageSent event) {
        kafka.send(record(event)).join();
    }

    /** One event of the type to each receiver, sent together as a burst, as a backlog builds up. */
    public void publishBurst(List<UUID> receivers, MessageType type, String content) {
        List<CompletableFuture<?>> sent = new ArrayList<>(receivers.size());
        for (UUID receiver : receivers) {
            sent.add(kafka.send(record(MessageSent.of(
                    UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), receiver, type, content, Instant.now()))));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    private static ProducerRecord<String, byte[]> record(MessageSent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                Topics.MESSAGE_SENT, event.receiverId().toString(), MessageSentCodec.encode(event));
        record.headers().add(EventHeaders.EVENT_ID, event.eventId().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, MessageSent.EVENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** A record that no consumer can read as an event. */
    public void publishPoison(String key, byte[] value) {
        kafka.send(new ProducerRecord<>(Topics.MESSAGE_SENT, key, value)).join();
    }
}
