package io.pushpipe.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpMethod;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per caller for POST requests: a flood from one caller gets 429 with {@code Retry-After}
 * while everyone else goes on. Runs after authorization, so only authorized requests count.
 */
final class CallerRateLimiter extends OncePerRequestFilter {

    /** Past this many callers, buckets that have refilled (idle callers) are dropped, at most once a second. */
    private static final int MAX_TRACKED_CALLERS = 10_000;

    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ApiSecurityProperties.RateLimit settings;
    private final ApiSecurityProperties.Jwt claims;
    private final RefusalResponses refusals;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    CallerRateLimiter(
            ApiSecurityProperties.RateLimit settings, ApiSecurityProperties.Jwt claims, RefusalResponses refusals) {
        this.settings = settings;
        this.claims = claims;
        this.refusals = refusals;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return settings.requestsPerSecond() <= 0 || !HttpMethod.POST.matches(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller = Caller.current(claims).orElse(null);
        if (caller == null || caller.isServiceRole() && settings.exemptServiceRole()) {
            chain.doFilter(request, response);
            return;
        }
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (buckets.size() > MAX_TRACKED_CALLERS
                && now - last > SWEEP_INTERVAL_NANOS
                && lastSweep.compareAndSet(last, now)) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        long waitNanos = buckets.computeIfAbsent(caller.name(), name -> new Bucket(settings, now))
                .take(now);
        if (waitNanos > 0) {
            long retryAfter = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            refusals.tooManyRequests(
                    request,
                    response,
                    caller.name(),
                    retryAfter,
                    settings.requestsPerSecond() + " POST requests per second (bursts of " + settings.burst() + ")");
            return;
        }
        chain.doFilter(request, response);
    }

    private static final class Bucket {

        private final double perNano;
        private final double capacity;
        private double tokens;
        private long refilledAt;

        Bucket(ApiSecurityProperties.RateLimit settings, long now) {
            this.perNano = settings.requestsPerSecond() / TimeUnit.SECONDS.toNanos(1);
            this.capacity = Math.max(1, settings.burst());
            this.tokens = capacity;
            this.refilledAt = now;
        }

        /** Takes a token and returns 0, or returns how long until one is available. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens--;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
    }
}
