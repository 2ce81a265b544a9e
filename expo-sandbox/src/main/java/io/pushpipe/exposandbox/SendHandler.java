package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.Answer.JSON;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /--/api/v2/push/send}: faults first, then the access token, the request's limits and the
 * project's rate, then one ticket per recipient in recipient order. Every request and its answer is recorded.
 *
 * @param clock the time of arrivals and tickets
 * @param faults what a test has switched on
 * @param rateLimit the per-project limit
 * @param recording where requests and accepted notifications go
 */
record SendHandler(Clock clock, FaultSwitches faults, ProjectRateLimit rateLimit, Recording recording)
        implements HttpHandler {

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // Expo counts a request against the rate limit when it arrives, not when it has been read and parsed.
        long arrivedAt = clock.millis();
        recording.requestStarted();
        try {
            faults.pause();
            Request request = new Request(
                    arrivedAt,
                    Answer.gzipped(exchange),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    Answer.readBody(exchange));
            send(exchange.getRequestMethod(), request).sendTo(exchange);
        } finally {
            recording.requestFinished();
            exchange.close();
        }
    }

    private Answer send(String method, Request request) {
        Optional<ExpoSandbox.Fault> fault = faults.next();
        if (!"POST".equals(method)) {
            return record(request, Answer.error(405, "METHOD_NOT_ALLOWED", "Use POST"), 0);
        }
        if (fault.isPresent()) {
            return record(request, fault.get().answer(), 0);
        }
        if (!faults.authorizes(request.authorization())) {
            return record(request, Answer.error(401, "UNAUTHORIZED", "The bearer token is invalid"), 0);
        }
        List<Recipient> recipients;
        try {
            recipients = ExpoSemantics.recipients(JSON.readTree(request.body()));
        } catch (JacksonException | IllegalArgumentException e) {
            return record(request, Answer.error(400, "VALIDATION_ERROR", e.getMessage()), 0);
        }
        int count = recipients.size();
        if (count > ExpoSandbox.MAX_RECIPIENTS_PER_REQUEST) {
            return record(
                    request,
                    Answer.error(
                            400,
                            "PUSH_TOO_MANY_NOTIFICATIONS",
                            "You are trying to send more than 100 push notifications in one request"),
                    count);
        }
        Map<String, List<String>> byProject = new LinkedHashMap<>();
        recipients.forEach(r -> byProject
                .computeIfAbsent(ExpoSemantics.projectOf(r.token()), p -> new ArrayList<>())
                .add(r.token()));
        if (byProject.size() > 1) {
            ObjectNode details = JSON.createObjectNode();
            byProject.forEach((project, tokens) -> tokens.forEach(details.withArray(project)::add));
            return record(
                    request,
                    Answer.error(
                            400,
                            "PUSH_TOO_MANY_EXPERIENCE_IDS",
                            "All push notification messages in the same request must be for the same project",
                            details),
                    count);
        }
        String project = byProject.keySet().stream().findFirst().orElse(ExpoSandbox.DEFAULT_PROJECT);
        if (!rateLimit.admits(project, count, request.arrivedAt())) {
            return record(
                    request,
                    Answer.error(
                            429,
                            "TOO_MANY_REQUESTS",
                            "Exceeded " + rateLimit.perSecond() + " notifications per second, please try again."),
                    count);
        }
        return record(request, tickets(recipients), count);
    }

    private Answer tickets(List<Recipient> recipients) {
        ArrayNode data = JSON.createArrayNode();
        Instant receivedAt = clock.instant();
        for (Recipient recipient : recipients) {
            data.add(ExpoSemantics.errorTicket(recipient).orElseGet(() -> {
                String id = UUID.randomUUID().toString();
                recording.accepted(recipient.toNotification(id, receivedAt));
                return ExpoSemantics.okTicket(id);
            }));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("data", data);
        return Answer.json(response);
    }

    private Answer record(Request request, Answer answer, int recipients) {
        recording.answered(
                new ReceivedRequest(
                        clock.instant(),
                        recipients,
                        request.gzipped(),
                        request.authorization() != null,
                        answer.status()),
                request.arrivedAt());
        return answer;
    }

    private record Request(long arrivedAt, boolean gzipped, String authorization, byte[] body) {}
}
