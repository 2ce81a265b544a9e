package io.pushpipe.notificationservice.delivery;

import io.pushpipe.common.Topics;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** Topics and the listener's error handling. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NotificationServiceProperties.Delivery deliverySettings(NotificationServiceProperties properties) {
        return properties.delivery();
    }

    @Bean
    NotificationServiceProperties.Content contentSettings(NotificationServiceProperties properties) {
        return properties.content();
    }

    @Bean
    NewTopic messageSentTopic(NotificationServiceProperties properties) {
        return TopicBuilder.name(Topics.MESSAGE_SENT)
                .partitions(properties.delivery().topicPartitions())
                .build();
    }

    /**
     * As many partitions as the source: dead letters keep the partition number of their record. Kept for
     * {@code pushpipe.delivery.dead-letter-retention}, long enough to fix the cause and replay.
     */
    @Bean
    NewTopic messageSentDeadLetterTopic(NotificationServiceProperties properties) {
        return TopicBuilder.name(Topics.MESSAGE_SENT_DLT)
                .partitions(properties.delivery().topicPartitions())
                .config(
                        TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(
                                properties.delivery().deadLetterRetention().toMillis()))
                .build();
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
