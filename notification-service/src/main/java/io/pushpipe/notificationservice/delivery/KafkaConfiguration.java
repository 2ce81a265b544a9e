package io.pushpipe.notificationservice.delivery;

import io.pushpipe.topics.TopicProvisioner;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** The topics check and the listener's error handling. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

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
     * the batch with exponential back-off up to 30 s, without end. Such failures are not the events'
     * fault, so they never dead-letter them; a growing consumer lag is the alarm.
     */
    @Bean
    CommonErrorHandler errorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2.0);
        backOff.setMaxInterval(30_000);
        return new DefaultErrorHandler(backOff);
    }
}
