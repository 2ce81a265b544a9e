package io.pushpipe.notificationservice.expo;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.pushpipe.notificationservice.token.ExpoTokens;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Sends push messages to the Expo Push API: requests of at most {@link #recipientsPerRequest()}, a bounded
 * number in flight, each booked first in the budget that the whole group shares per Expo project ({@link
 * ExpoSendBudget}) and sent in parts when the budget has room for only part of it at its turn (the rest as a
 * request of its own, booked at once, when it shares no device with the part), retried with back-off on
 * 429, 5xx, timeouts and non-JSON answers, never retried on a 4xx, inside the circuit breaker. A request
 * refused for mixing Expo projects is split by project and sent again, and the projects Expo named
 * are remembered ({@link ExpoProjects}), so that later requests are split first.
 *
 * <p>It never throws for Expo's failures: it answers one {@link PushResult} per message, in order, and the
 * caller decides what is retried and what is given up ({@link ExpoError}).
 */
@Component
public class ExpoPushClient {

    private static final Logger log = LoggerFactory.getLogger(ExpoPushClient.class);

    private final ExpoTransport transport;
    private final ExpoSendBudget budget;
    private final ExpoProjects projects;
    private final int recipientsPerRequest;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ExecutorService requests;
    private final Clock clock = Clock.systemUTC();

    ExpoPushClient(
            ExpoTransport transport,
            ExpoSendBudget budget,
            ExpoProjects projects,
            ExpoProperties settings,
            Retry expoRetry,
            CircuitBreaker expoCircuitBreaker,
            ExecutorService expoRequests) {
        this.transport = transport;
        this.budget = budget;
        this.projects = projects;
        this.recipientsPerRequest = budget.largestRequest(settings.maxRecipientsPerRequest());
        this.retry = expoRetry;
        this.breaker = expoCircuitBreaker;
        this.requests = expoRequests;
    }

    /** The most recipients one request carries: Expo's 100, or the limit when it is lower. */
    public int recipientsPerRequest() {
        return recipientsPerRequest;
    }

    /** Sends the messages in requests of {@link #recipientsPerRequest()} and answers each one's result. */
    public List<PushResult> send(List<ExpoPushMessage> messages) {
        int perRequest = recipientsPerRequest();
        List<List<ExpoPushMessage>> chunks = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += perRequest) {
            chunks.add(messages.subList(from, Math.min(messages.size(), from + perRequest)));
        }
        return send(chunks, Instant.MAX, (request, results) -> {});
    }

    /**
     * Sends each request (at most {@link #recipientsPerRequest()} messages, each to one token), several at
     * once, and tells {@code answered} each request's results on the calling thread as soon as that request
     * is over. A request not started by {@code deadline} is not sent: its messages fail as {@link
     * ExpoError#NOT_SENT}, so that a slow Expo cannot make a batch outlive the consumer's poll interval.
     *
     * @return every message's result, in the order of the requests and their messages
     */
    public List<PushResult> send(List<List<ExpoPushMessage>> requestsToSend, Instant deadline, Answered answered) {
        CompletionService<Sent> inFlight = new ExecutorCompletionService<>(requests);
        List<Future<Sent>> submitted = new ArrayList<>(requestsToSend.size());
        AtomicBoolean abandoned = new AtomicBoolean();
        for (int i = 0; i < requestsToSend.size(); i++) {
            int index = i;
            List<ExpoPushMessage> request = requestsToSend.get(i);
            submitted.add(inFlight.submit(() -> new Sent(
                    index,
                    abandoned.get()
                            ? failAll(request, ExpoError.NOT_SENT.code(), "not sent: the batch failed")
                            : sendRequest(request, deadline))));
        }
        List<List<PushResult>> results = new ArrayList<>(requestsToSend.size());
        requestsToSend.forEach(request -> results.add(null));
        try {
            for (int i = 0; i < requestsToSend.size(); i++) {
                Sent sent = next(inFlight);
                results.set(sent.request(), sent.results());
                answered.accept(sent.request(), sent.results());
            }
        } catch (RuntimeException e) {
            // The answers cannot be recorded (the database is gone): what is not sent yet stays unsent, and
            // the requests already under way are still handed to answered once Expo answers them, so that
            // it can keep their outcomes for the batch's retry instead of having those devices pushed again.
            // (Cancelling the futures would lose those answers: a running task's future cancels too.)
            abandoned.set(true);
            handOverAnswersInFlight(submitted, results, answered);
            throw e;
        }
        return results.stream().flatMap(List::stream).toList();
    }

    private static void handOverAnswersInFlight(
            List<Future<Sent>> submitted, List<List<PushResult>> handedOver, Answered answered) {
        for (int i = 0; i < submitted.size(); i++) {
            Future<Sent> request = submitted.get(i);
            if (handedOver.get(i) != null) {
                continue;
            }
            try {
                answered.accept(i, request.get().results());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | RuntimeException e) {
                log.debug("The answer of request {} could not be handed over: {}", i, e.toString());
            }
        }
    }

    private static Sent next(CompletionService<Sent> inFlight) {
        try {
            return inFlight.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to Expo", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending to Expo failed unexpectedly", e.getCause());
        }
    }

    private List<PushResult> sendRequest(List<ExpoPushMessage> request, Instant deadline) {
        if (clock.instant().isAfter(deadline)) {
            return failAll(request, ExpoError.NOT_SENT.code(), "not sent: the batch's time budget is used up");
        }
        List<String> projectOfMessage = projects.of(request);
        if (projectOfMessage.stream().distinct().count() > 1) {
            return sendPerProject(request, projectOfMessage, deadline);
        }
        String project = projectOfMessage.isEmpty() ? ExpoProjects.UNNAMED : projectOfMessage.get(0);
        List<PushResult> results = new ArrayList<>(request.size());
        while (results.size() < request.size()) {
            List<ExpoPushMessage> rest = request.subList(results.size(), request.size());
            if (!results.isEmpty() && clock.instant().isAfter(deadline)) {
                results.addAll(
                        failAll(rest, ExpoError.NOT_SENT.code(), "not sent: the batch's time budget is used up"));
            } else if (!results.isEmpty() && unreachable(results.get(results.size() - 1))) {
                results.addAll(Collections.nCopies(rest.size(), results.get(results.size() - 1)));
            } else {
                results.addAll(sendPart(project, rest, deadline));
            }
        }
        return results;
    }

    /** Whether the result says that Expo could not be reached: the rest of the request is not tried then. */
    private static boolean unreachable(PushResult result) {
        return result instanceof PushResult.Failed failed
                && (failed.error() == ExpoError.CIRCUIT_OPEN || failed.error() == ExpoError.EXPO_UNAVAILABLE);
    }

    /**
     * Sends as many of the messages, from the first, as the budget lets go at their turn: all of them, or
     * the part that the window has room for ({@link ExpoSendBudget#acquire}). The rest, when no device of it
     * is also in the part, is handed over as a request of its own as soon as the part is booked, so that it
     * books the next turn while the part is under way instead of a round trip later; a device's pushes are
     * never split between the two, so each phone still gets them in order. Otherwise the rest waits for the
     * part's answer.
     *
     * @return the results of the messages sent, in order: the part's and those of the rests handed over
     */
    private List<PushResult> sendPart(String project, List<ExpoPushMessage> messages, Instant deadline) {
        AtomicReference<List<ExpoPushMessage>> attempted = new AtomicReference<>(messages);
        List<Rest> handedOver = new ArrayList<>();
        List<PushResult> results = new ArrayList<>(messages.size());
        try {
            results.addAll(retry.executeSupplier(() -> {
                ExpoTransport.Prepared prepared = budget.acquire(
                        project,
                        attempted.get().size(),
                        granted -> preparePart(attempted, granted, handedOver, deadline));
                List<ExpoPushMessage> part = attempted.get();
                return breaker.executeSupplier(() -> post(project, part, prepared));
            }));
        } catch (ExpoRejectedException e) {
            List<ExpoPushMessage> part = attempted.get();
            if (ExpoError.of(e.code()) == ExpoError.TOO_MANY_EXPERIENCE_IDS && part.size() > 1) {
                results.addAll(sendPerProject(part, e.details(), deadline));
            } else {
                log.error(
                        "Expo rejected a request of {} messages: {} {}",
                        part.size(),
                        e.code(),
                        ExpoTokens.maskWithin(e.getMessage()));
                results.addAll(failAll(part, e.code(), e.getMessage()));
            }
        } catch (CallNotPermittedException e) {
            results.addAll(failAll(attempted.get(), ExpoError.CIRCUIT_OPEN.code(), "the Expo circuit breaker is open"));
        } catch (ExpoUnavailableException e) {
            log.warn(
                    "Expo unavailable for a request of {} messages: {}",
                    attempted.get().size(),
                    ExpoTokens.maskWithin(e.getMessage()));
            results.addAll(failAll(attempted.get(), ExpoError.EXPO_UNAVAILABLE.code(), e.getMessage()));
        } catch (RuntimeException e) {
            // The request fails as a whole (the budget's database is gone): a rest not started yet must not go,
            // since nobody would record its answers.
            PushResult notSent = new PushResult.Failed(ExpoError.NOT_SENT.code(), "not sent: the request failed");
            handedOver.forEach(rest -> rest.answerInstead(notSent));
            throw e;
        }
        PushResult last = results.get(results.size() - 1);
        if (unreachable(last)) {
            handedOver.forEach(rest -> rest.answerInstead(last));
        }
        handedOver.forEach(rest -> results.addAll(rest.results()));
        return results;
    }

    /**
     * Narrows {@code attempted} to the part that may go when only {@code granted} of it may, handing the rest
     * over ahead of the rests handed over before (it comes before them) when it shares no device with the
     * part, and prepares the part.
     */
    private ExpoTransport.Prepared preparePart(
            AtomicReference<List<ExpoPushMessage>> attempted, int granted, List<Rest> handedOver, Instant deadline) {
        List<ExpoPushMessage> wanted = attempted.get();
        if (granted < wanted.size()) {
            int cut = independentPart(wanted, granted);
            if (cut > 0) {
                handedOver.add(0, new Rest(wanted.subList(cut, wanted.size()), deadline));
            }
            attempted.set(wanted.subList(0, cut > 0 ? cut : granted));
        }
        return transport.prepare(ExpoTransport.SEND_PATH, attempted.get());
    }

    /**
     * The longest first part, of at most {@code granted} messages, that shares no device with the rest, or 0
     * when even the first device's pushes reach beyond {@code granted}.
     */
    private static int independentPart(List<ExpoPushMessage> messages, int granted) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            last.put(messages.get(i).to(), i);
        }
        int cut = 0;
        int reach = -1;
        for (int i = 0; i < granted; i++) {
            reach = Math.max(reach, last.get(messages.get(i).to()));
            if (reach == i) {
                cut = i + 1;
            }
        }
        return cut;
    }

    /**
     * The rest of a request sent in parts, handed over to another request thread to go as a request of its
     * own beside its part. Until it starts it can still be told to answer a result instead of going: when
     * its part found Expo unreachable, or failed as a whole.
     */
    private final class Rest {

        private final AtomicReference<PushResult> instead = new AtomicReference<>();
        private final FutureTask<List<PushResult>> task;

        Rest(List<ExpoPushMessage> messages, Instant deadline) {
            this.task = new FutureTask<>(() -> {
                PushResult answer = instead.get();
                return answer != null ? Collections.nCopies(messages.size(), answer) : sendRequest(messages, deadline);
            });
            try {
                requests.execute(task);
            } catch (RejectedExecutionException e) {
                log.debug("The rest of a request runs on the thread of its first part: {}", e.toString());
            }
        }

        void answerInstead(PushResult result) {
            instead.set(result);
        }

        /**
         * Its results, once it is over. A rest that no request thread has started yet runs here instead, so
         * that a thread never waits for a task queued behind it; one under way is waited for even when this
         * thread is interrupted (it is too, on shutdown), so that the part's answers are not lost with it.
         */
        List<PushResult> results() {
            task.run();
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return task.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("sending to Expo failed unexpectedly", e.getCause());
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Sends one request per Expo project named in the error's details, and remembers the projects. */
    private List<PushResult> sendPerProject(List<ExpoPushMessage> request, JsonNode named, Instant deadline) {
        Map<String, String> projectOfToken = new HashMap<>();
        if (named != null) {
            named.properties()
                    .forEach(project -> project.getValue()
                            .forEach(token -> projectOfToken.put(token.asString(), project.getKey())));
        }
        projects.learn(projectOfToken);
        log.info(
                "Expo refused a request mixing projects {}; sending one request per project",
                projectOfToken.values().stream().distinct().toList());
        return sendPerProject(
                request,
                request.stream()
                        .map(message -> projectOfToken.getOrDefault(message.to(), ExpoProjects.UNNAMED))
                        .toList(),
                deadline);
    }

    /** Sends one request per project, the messages of each in their order, and merges the answers back. */
    private List<PushResult> sendPerProject(
            List<ExpoPushMessage> request, List<String> projectOfMessage, Instant deadline) {
        Map<String, List<Integer>> indexesByProject = new LinkedHashMap<>();
        for (int i = 0; i < request.size(); i++) {
            indexesByProject
                    .computeIfAbsent(projectOfMessage.get(i), p -> new ArrayList<>())
                    .add(i);
        }
        PushResult[] results = new PushResult[request.size()];
        for (List<Integer> indexes : indexesByProject.values()) {
            List<ExpoPushMessage> group = indexes.stream().map(request::get).toList();
            List<PushResult> groupResults = indexesByProject.size() == 1
                    ? failAll(group, ExpoError.TOO_MANY_EXPERIENCE_IDS.code(), "could not split by project")
                    : sendRequest(group, deadline);
            for (int i = 0; i < indexes.size(); i++) {
                results[indexes.get(i)] = groupResults.get(i);
            }
        }
        return List.of(results);
    }

    private List<PushResult> post(String project, List<ExpoPushMessage> request, ExpoTransport.Prepared prepared) {
        ExpoTransport.Answer answer = prepared.send();
        if (answer.status() == 429) {
            budget.slowDown(project);
            throw new ExpoThrottledException("Expo answered " + answer.describe());
        }
        if (answer.status() >= 500) {
            throw new ExpoUnavailableException("Expo answered " + answer.describe());
        }
        if (answer.body() == null) {
            if (answer.status() >= 400) {
                throw answer.rejection();
            }
            throw new ExpoUnavailableException("Expo answered " + answer.status() + " with a body that is not JSON");
        }
        JsonNode errors = answer.body().path("errors");
        if (answer.status() >= 400
                || (errors.isArray() && !errors.isEmpty() && !answer.body().has("data"))) {
            throw answer.rejection();
        }
        JsonNode data = answer.body().path("data");
        List<JsonNode> tickets = new ArrayList<>();
        if (data.isArray()) {
            data.forEach(tickets::add);
        } else if (data.isObject()) {
            tickets.add(data);
        }
        if (tickets.size() != request.size()) {
            throw new ExpoUnavailableException(
                    "Expo answered " + tickets.size() + " tickets for " + request.size() + " messages");
        }
        return tickets.stream().map(ExpoPushClient::toResult).toList();
    }

    private static PushResult toResult(JsonNode ticket) {
        if ("ok".equals(ticket.path("status").asString())) {
            return new PushResult.Accepted(ticket.path("id").asString());
        }
        return new PushResult.Failed(
                ticket.path("details").path("error").asString("UnknownError"),
                ticket.path("message").asString());
    }

    private static List<PushResult> failAll(List<ExpoPushMessage> request, String code, String message) {
        PushResult failed = new PushResult.Failed(code, message);
        return request.stream().map(m -> failed).toList();
    }

    /** Told each request's results as soon as the request is over. */
    @FunctionalInterface
    public interface Answered {

        /**
         * @param request the request's index in the list given to {@link #send(List, Instant, Answered)}
         * @param results its messages' results, in order
         */
        void accept(int request, List<PushResult> results);
    }

    private record Sent(int request, List<PushResult> results) {}
}
