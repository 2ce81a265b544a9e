package io.pushpipe.notificationservice.delivery;

import io.pushpipe.topics.TopicProvisioner;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/** The topics check and the listener's error handling. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_RETRY_INTERVAL = Duration.ofSeconds(2);

    /**
     * Checks the topics once the service is up, creating what is missing ({@link TopicProvisioner}); the
     * DLT is checked again whenever dead letters are published, so a Kafka that was down now is no reason
     * for it to be missing later.
     */
    @Bean
    ApplicationRunner topicCheck(TopicProvisioner topics) {
        return arguments -> {
            topics.ensure(topics.messageSent());
            topics.ensure(topics.deadLetters());
        };
    }

    /**
     * Offsets are committed asynchronously. The delivery ledger, not the offset, says what was delivered, so
     * a commit lost to a rebalance or a broker outage only means records read again and skipped; but a
     * synchronous commit while the broker is down stops the consumer for up to a minute, where it could go on
     * delivering the records it already fetched.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> asynchronousCommits() {
        return container -> container.getContainerProperties().setSyncCommits(false);
    }

    /**
     * For failures the dispatcher does not handle itself (the database down, the DLT unwritable): retry
     * the batch after 0.5 s, then 1 s, then every 2 s, without end, and log each failed attempt. Such
     * failures are not the events' fault, so they never dead-letter them; a growing consumer lag is the
     * alarm. The back-off stays short because a retry costs a query or two, while every second of it is a
     * second that the batch's oldest notifications wait once the database is back (after a PostgreSQL
     * restart the first attempts may also meet pooled connections it closed).
     */
    @Bean
    CommonErrorHandler errorHandler() {
        DefaultErrorHandler handler = new DefaultErrorHandler(retryBackOff());
        handler.setRetryListeners(new BatchFailureLog());
        return handler;
    }

    static BackOff retryBackOff() {
        ExponentialBackOff backOff = new ExponentialBackOff(FIRST_RETRY.toMillis(), 2.0);
        backOff.setMaxInterval(LONGEST_RETRY_INTERVAL.toMillis());
        return backOff;
    }

    /** Logs every failed attempt at a batch, with its cause, so that a stalled consumer says why. */
    private static final class BatchFailureLog implements RetryListener {

        @Override
        public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
            log.warn(
                    "Delivering {}-{}@{} failed (attempt {}), retrying: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    deliveryAttempt,
                    rootCause(ex));
        }

        @Override
        public void failedDelivery(ConsumerRecords<?, ?> records, Exception ex, int deliveryAttempt) {
            log.warn(
                    "Delivering a batch of {} records failed (attempt {}), retrying: {}",
                    records.count(),
                    deliveryAttempt,
                    rootCause(ex));
        }

        private static String rootCause(Exception ex) {
            Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
    }
}
