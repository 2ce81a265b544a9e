package io.pushpipe.notificationservice;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
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
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                Topics.MESSAGE_SENT, event.receiverId().toString(), MessageSentCodec.encode(event));
        record.headers().add(EventHeaders.EVENT_ID, event.eventId().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, MessageSent.EVENT_TYPE.getBytes(StandardCharsets.UTF_8));
        kafka.send(record).join();
    }

    /** A record that no consumer can read as an event. */
    public void publishPoison(String key, byte[] value) {
        kafka.send(new ProducerRecord<>(Topics.MESSAGE_SENT, key, value)).join();
    }
}
