package io.pushpipe.notificationservice.expo;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The circuit breaker around Expo, its metrics and its health component. */
@Configuration(proxyBeanMethods = false)
class ExpoConfiguration {

    /**
     * Opens when too many requests fail transiently; only {@link ExpoUnavailableException} counts, so a
     * request Expo rejects as invalid cannot stop delivery for everyone. Goes half-open on its own after
     * the open duration: the paused consumer makes no calls, so nothing else would move it.
     */
    @Bean
    CircuitBreaker expoCircuitBreaker(NotificationServiceProperties properties, MeterRegistry meters) {
        NotificationServiceProperties.CircuitBreaker settings =
                properties.expo().circuitBreaker();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(e -> e instanceof ExpoUnavailableException)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("expo");
    }

    /** The {@code expo} health component: DOWN while the circuit is open, so operators get paged. */
    @Bean
    HealthIndicator expoHealthIndicator(CircuitBreaker expoCircuitBreaker) {
        return () -> {
            CircuitBreaker.State state = expoCircuitBreaker.getState();
            Health.Builder health = state == CircuitBreaker.State.OPEN ? Health.down() : Health.up();
            return health.withDetail("circuitBreaker", state.name())
                    .withDetail("failureRate", expoCircuitBreaker.getMetrics().getFailureRate())
                    .build();
        };
    }
}
