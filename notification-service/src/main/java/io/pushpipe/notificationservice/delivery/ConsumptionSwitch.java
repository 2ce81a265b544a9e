package io.pushpipe.notificationservice.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Pauses consumption of {@code message-sent} while the Expo circuit is open, and resumes it when the
 * circuit half-opens to let probe requests through. Paused records stay in Kafka with their offsets
 * uncommitted; the container keeps polling, so the instance keeps its partitions.
 */
@Component
class ConsumptionSwitch {

    private static final Logger log = LoggerFactory.getLogger(ConsumptionSwitch.class);

    private final KafkaListenerEndpointRegistry listeners;

    ConsumptionSwitch(CircuitBreaker expoCircuitBreaker, KafkaListenerEndpointRegistry listeners) {
        this.listeners = listeners;
        expoCircuitBreaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN, FORCED_OPEN -> pause();
                case HALF_OPEN, CLOSED -> resume(event.getStateTransition().getToState());
                default -> {}
            }
        });
    }

    private void pause() {
        container().ifPresent(container -> {
            container.pause();
            log.warn("⏸ Expo circuit breaker open: consumption of message-sent paused");
        });
    }

    private void resume(CircuitBreaker.State state) {
        container().filter(MessageListenerContainer::isPauseRequested).ifPresent(container -> {
            container.resume();
            log.info("▶ Expo circuit breaker {}: consumption of message-sent resumed", state);
        });
    }

    private java.util.Optional<MessageListenerContainer> container() {
        return java.util.Optional.ofNullable(listeners.getListenerContainer(MessageSentListener.ID));
    }
}
