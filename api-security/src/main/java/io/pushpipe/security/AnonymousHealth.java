package io.pushpipe.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers an anonymous {@code GET /actuator/health} (no {@code Authorization} header) before the security
 * chain and the actuator: with the status only, evaluated at most once per {@link #MAX_AGE}. Anyone may
 * probe health, so a flood of probes must cost no more than a static answer; callers with a token still
 * get the actuator's own, detailed answer.
 */
final class AnonymousHealth extends OncePerRequestFilter {

    static final String PATH = "/actuator/health";
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final ObjectProvider<HealthEndpoint> endpoint;
    private final Object refreshing = new Object();
    private volatile Status status;
    private volatile long measuredAt;

    AnonymousHealth(ObjectProvider<HealthEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod())
                || !PATH.equals(request.getRequestURI())
                || request.getHeader("Authorization") != null
                || endpoint.getIfAvailable() == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Status current = current();
        boolean down = Status.DOWN.equals(current) || Status.OUT_OF_SERVICE.equals(current);
        response.setStatus(down ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK);
        response.setContentType("application/vnd.spring-boot.actuator.v3+json");
        response.getOutputStream()
                .write(("{\"status\":\"" + current.getCode() + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** The last status, measured again when it is older than {@link #MAX_AGE}, by one caller at a time. */
    private Status current() {
        if (status == null || System.nanoTime() - measuredAt > MAX_AGE.toNanos()) {
            synchronized (refreshing) {
                if (status == null || System.nanoTime() - measuredAt > MAX_AGE.toNanos()) {
                    status = endpoint.getObject().health().getStatus();
                    measuredAt = System.nanoTime();
                }
            }
        }
        return status;
    }
}
