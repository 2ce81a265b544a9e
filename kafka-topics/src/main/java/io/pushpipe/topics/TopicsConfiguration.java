package io.pushpipe.topics;

import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** Imported by each service: the topics' settings, their provisioner and the {@code topics} health component. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicsProperties.class)
public class TopicsConfiguration {

    @Bean
    TopicProvisioner topicProvisioner(KafkaAdmin admin, TopicsProperties settings) {
        return new TopicProvisioner(admin, settings);
    }

    /**
     * DOWN while a topic is missing or has another partition count than configured. Reads what the provisioner
     * last learnt: a health probe never calls Kafka.
     */
    @Bean
    HealthIndicator topicsHealthIndicator(TopicProvisioner topics) {
        return () -> {
            boolean mismatch = topics.states().values().stream().anyMatch(TopicProvisioner.TopicState::mismatch);
            return (mismatch ? Health.down() : Health.up())
                    .withDetails(Map.copyOf(topics.states()))
                    .build();
        };
    }
}
