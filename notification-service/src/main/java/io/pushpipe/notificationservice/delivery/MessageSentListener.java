package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code message-sent} in batches, one per poll, in the consumer group that every
 * notification-service instance joins: adding instances spreads the partitions.
 */
@Component
class MessageSentListener {

    static final String ID = "message-sent-listener";
    static final String GROUP_ID = "notification-service";

    private final NotificationDispatcher dispatcher;

    MessageSentListener(NotificationDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @KafkaListener(id = ID, groupId = GROUP_ID, topics = Topics.MESSAGE_SENT, batch = "true")
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment acknowledgment) {
        dispatcher.dispatch(records, acknowledgment);
    }
}
