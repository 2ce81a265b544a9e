package io.pushpipe.notificationservice.expo;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How Expo is called: its retries, circuit breaker and request threads. */
@Configuration(proxyBeanMethods = false)
class ExpoConfiguration {

    /** Retries only what Expo may take later: 429, 5xx, timeouts, answers that are not Expo's JSON. */
    @Bean
    Retry expoRetry(ExpoProperties settings) {
        return Retry.of(
                "expo",
                RetryConfig.custom()
                        .maxAttempts(settings.retry().maxAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                settings.retry().initialBackoff(),
                                2.0,
                                0.5,
                                settings.retry().maxBackoff()))
                        .retryOnException(e -> e instanceof ExpoUnavailableException)
                        .build());
    }

    /** The threads that carry send requests: as many as requests may be in flight. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService expoRequests(ExpoProperties settings) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newFixedThreadPool(settings.maxConcurrentRequests(), runnable -> {
            Thread thread = new Thread(runnable, "expo-request-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens when too many requests fail transiently or answer slower than {@code slow-call-duration}; only
     * {@link ExpoUnavailableException} counts as a failure, so a request Expo rejects as invalid cannot stop
     * delivery for everyone, and a 429 does not either: the send budget slows down for it. Goes half-open on
     * its own after the open duration: the paused consumer makes no calls, so nothing else would move it.
     */
    @Bean
    CircuitBreaker expoCircuitBreaker(ExpoProperties expo, MeterRegistry meters) {
        ExpoProperties.CircuitBreaker settings = expo.circuitBreaker();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallDurationThreshold(settings.slowCallDuration())
                .slowCallRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(e -> e instanceof ExpoUnavailableException && !(e instanceof ExpoThrottledException))
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
                    .withDetail("slowCallRate", expoCircuitBreaker.getMetrics().getSlowCallRate())
                    .build();
        };
    }
}
