package io.pushpipe.notificationservice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.common.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

/**
 * Sends records that need a human to {@code message-sent-dlt}, through Spring Kafka's dead-letter
 * recoverer: same key, same partition number, the original headers (event id included), the exception
 * and original topic/partition/offset/timestamp headers, and pushpipe's reason code.
 */
@Component
class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterPublishingRecoverer recoverer;
    private final MeterRegistry meters;

    DeadLetters(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        this.meters = meters;
        this.recoverer = new DeadLetterPublishingRecoverer(template);
        this.recoverer.setHeadersFunction(DeadLetters::reasonHeader);
    }

    /** Publishes the record to the DLT and waits for the broker's acknowledgement. */
    void send(ConsumerRecord<String, byte[]> record, String reason, String explanation) {
        recoverer.accept(record, new DeadLetterException(reason, explanation));
        Counter.builder("pushpipe.events.dead.lettered")
                .description("Events sent to message-sent-dlt, by reason")
                .tag("reason", reason)
                .register(meters)
                .increment();
        log.warn(
                "Event dead-lettered reason={} partition={} offset={}: {}",
                reason,
                record.partition(),
                record.offset(),
                explanation);
    }

    private static Headers reasonHeader(ConsumerRecord<?, ?> record, Exception exception) {
        Headers headers = new RecordHeaders();
        Throwable cause = exception;
        while (cause != null && !(cause instanceof DeadLetterException)) {
            cause = cause.getCause();
        }
        if (cause instanceof DeadLetterException deadLetter) {
            headers.add(EventHeaders.DLT_REASON, deadLetter.reason().getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Why a record went to the DLT; its class and message land in the DLT record's exception headers. */
    static final class DeadLetterException extends RuntimeException {

        private final String reason;

        DeadLetterException(String reason, String explanation) {
            super(explanation);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
