package io.pushpipe.messageservice.outbox;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OutboxProducerConfiguration {

    /**
     * The relay resets the producer after a failed cycle; closing it without a grace period fails the records
     * it still buffers at once, instead of delivering them once the broker is back, after the next cycle has
     * published the same rows again.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer dropBufferedRecordsOnReset() {
        return factory -> factory.setPhysicalCloseTimeout(0);
    }
}
