package io.pushpipe.notificationservice.expo;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushpipe.notificationservice.NotificationServiceProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends push messages to the Expo Push API the way Expo asks to be called: requests of at most 100
 * recipients, a bounded number in flight, gzip for larger bodies, a client-side rate limit so that 429 is
 * the exception, retries with exponential back-off and jitter on 429, 5xx, timeouts and non-JSON answers,
 * never a retry of a 4xx, and a circuit breaker around it all. A request refused for mixing Expo projects
 * is split by project and sent again.
 *
 * <p>{@link #send} never throws for Expo's failures: it answers one {@link PushResult} per message, in
 * order, and the caller decides what is retried and what is given up.
 */
@Component
public class ExpoPushClient implements AutoCloseable {

    static final String SEND_PATH = "/--/api/v2/push/send";
    static final String RECEIPTS_PATH = "/--/api/v2/push/getReceipts";
    static final int MAX_RECEIPT_IDS = 1000;

    private static final Logger log = LoggerFactory.getLogger(ExpoPushClient.class);
    /** A request carries at most this share of a second's notifications; see {@link #ExpoPushClient}. */
    private static final int REQUESTS_PER_SECOND_AT_LIMIT = 40;

    private final NotificationServiceProperties.Expo settings;
    private final JsonMapper json;
    private final CircuitBreaker breaker;
    private final HttpClient http;
    private final URI sendUri;
    private final URI receiptsUri;
    private final RateLimiter rateLimiter;
    private final Retry retry;
    private final ExecutorService requests;
    private final int chunkSize;
    private final MeterRegistry meters;

    ExpoPushClient(
            NotificationServiceProperties properties,
            JsonMapper json,
            CircuitBreaker expoCircuitBreaker,
            MeterRegistry meters) {
        this.settings = properties.expo();
        this.json = json;
        this.breaker = expoCircuitBreaker;
        this.meters = meters;
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.sendUri = URI.create(base + SEND_PATH);
        this.receiptsUri = URI.create(base + RECEIPTS_PATH);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        // Expo counts notifications per project over each second as they arrive. Permits are released in
        // small even steps, one request's worth (a fortieth of the rate, at most 100) at a time, so that the
        // 30 notifications between the default 570 and Expo's 600 absorb two requests that network jitter
        // moves into the same second.
        int rate = settings.notificationsPerSecond();
        this.chunkSize = Math.min(settings.maxRecipientsPerRequest(), Math.max(1, rate / REQUESTS_PER_SECOND_AT_LIMIT));
        this.rateLimiter = RateLimiter.of(
                "expo",
                RateLimiterConfig.custom()
                        .limitRefreshPeriod(Duration.ofNanos(TimeUnit.SECONDS.toNanos(1) * chunkSize / rate))
                        .limitForPeriod(chunkSize)
                        .timeoutDuration(Duration.ofMinutes(1))
                        .build());
        this.retry = Retry.of(
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
        AtomicInteger threads = new AtomicInteger();
        this.requests = Executors.newFixedThreadPool(settings.maxConcurrentRequests(), runnable -> {
            Thread thread = new Thread(runnable, "expo-request-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Sends the messages, each addressed to one token, and answers what became of each, in order. Blocks
     * until every request has been answered or given up.
     */
    public List<PushResult> send(List<ExpoPushMessage> messages) {
        List<Future<List<PushResult>>> chunks = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += chunkSize) {
            List<ExpoPushMessage> chunk = messages.subList(from, Math.min(messages.size(), from + chunkSize));
            chunks.add(requests.submit(() -> sendChunk(chunk)));
        }
        List<PushResult> results = new ArrayList<>(messages.size());
        for (Future<List<PushResult>> chunk : chunks) {
            try {
                results.addAll(chunk.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending to Expo", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("sending to Expo failed unexpectedly", e.getCause());
            }
        }
        return results;
    }

    /**
     * Expo's receipts for these ticket ids, at most 1000 per request, with the same retries and circuit
     * breaker as sending. Ids without a receipt yet are absent from the answer.
     *
     * @throws IllegalStateException when Expo could not be asked; the caller asks again later
     */
    public Map<String, Receipt> receipts(List<String> ticketIds) {
        Map<String, Receipt> receipts = new LinkedHashMap<>();
        for (int from = 0; from < ticketIds.size(); from += MAX_RECEIPT_IDS) {
            List<String> ids = ticketIds.subList(from, Math.min(ticketIds.size(), from + MAX_RECEIPT_IDS));
            try {
                receipts.putAll(Retry.decorateCheckedSupplier(
                                retry, () -> breaker.executeCheckedSupplier(() -> postReceipts(ids)))
                        .get());
            } catch (Throwable e) {
                throw new IllegalStateException("could not fetch receipts from Expo: " + e.getMessage(), e);
            }
        }
        return receipts;
    }

    private Map<String, Receipt> postReceipts(List<String> ids) {
        HttpResponse<byte[]> response = exchange(receiptsUri, json.writeValueAsBytes(Map.of("ids", ids)));
        int status = response.statusCode();
        JsonNode answer = parse(response);
        if (status == 429 || status >= 500 || answer == null) {
            throw new ExpoUnavailableException("Expo answered " + status + errorText(answer) + " to getReceipts");
        }
        if (status >= 400) {
            JsonNode first = answer.path("errors").path(0);
            throw new ExpoRejectedException(
                    first.path("code").asString("HTTP_" + status),
                    first.path("message").asString(),
                    first.get("details"));
        }
        Map<String, Receipt> receipts = new LinkedHashMap<>();
        answer.path("data").properties().forEach(entry -> {
            JsonNode receipt = entry.getValue();
            receipts.put(
                    entry.getKey(),
                    new Receipt(
                            "ok".equals(receipt.path("status").asString()),
                            receipt.path("details").path("error").asString(null),
                            receipt.path("message").asString(null)));
        });
        return receipts;
    }

    private List<PushResult> sendChunk(List<ExpoPushMessage> chunk) {
        try {
            return Retry.decorateCheckedSupplier(retry, () -> breaker.executeCheckedSupplier(() -> post(chunk)))
                    .get();
        } catch (ExpoRejectedException e) {
            if (ExpoRejectedException.TOO_MANY_EXPERIENCE_IDS.equals(e.code()) && chunk.size() > 1) {
                return sendPerProject(chunk, e.details());
            }
            log.error("Expo rejected a request of {} messages: {} {}", chunk.size(), e.code(), e.getMessage());
            return failAll(chunk, e.code(), e.getMessage(), false);
        } catch (CallNotPermittedException e) {
            return failAll(chunk, PushResult.Failed.CIRCUIT_OPEN, "the Expo circuit breaker is open", true);
        } catch (Throwable e) {
            log.warn("Expo unavailable for a request of {} messages: {}", chunk.size(), e.getMessage());
            return failAll(chunk, PushResult.Failed.EXPO_UNAVAILABLE, e.getMessage(), true);
        }
    }

    /** Sends one request per Expo project named in the error's details, and merges the answers back. */
    private List<PushResult> sendPerProject(List<ExpoPushMessage> chunk, JsonNode projects) {
        Map<String, String> projectOfToken = new HashMap<>();
        if (projects != null) {
            projects.properties()
                    .forEach(project -> project.getValue()
                            .forEach(token -> projectOfToken.put(token.asString(), project.getKey())));
        }
        Map<String, List<Integer>> indexesByProject = new LinkedHashMap<>();
        for (int i = 0; i < chunk.size(); i++) {
            indexesByProject
                    .computeIfAbsent(projectOfToken.getOrDefault(chunk.get(i).to(), ""), p -> new ArrayList<>())
                    .add(i);
        }
        log.info("Expo refused a request mixing {} projects; sending one request per project", indexesByProject.size());
        PushResult[] results = new PushResult[chunk.size()];
        for (List<Integer> indexes : indexesByProject.values()) {
            List<ExpoPushMessage> group = indexes.stream().map(chunk::get).toList();
            List<PushResult> groupResults = indexesByProject.size() == 1
                    ? failAll(group, ExpoRejectedException.TOO_MANY_EXPERIENCE_IDS, "could not split by project", false)
                    : sendChunk(group);
            for (int i = 0; i < indexes.size(); i++) {
                results[indexes.get(i)] = groupResults.get(i);
            }
        }
        return List.of(results);
    }

    private List<PushResult> post(List<ExpoPushMessage> chunk) {
        if (!rateLimiter.acquirePermission(chunk.size())) {
            throw new ExpoUnavailableException("the client-side rate limit did not admit the request in time");
        }
        return tickets(chunk, exchange(sendUri, json.writeValueAsBytes(chunk)));
    }

    /** One POST to Expo with the headers Expo asks for, gzip above the threshold and the access token. */
    private HttpResponse<byte[]> exchange(URI uri, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Accept-Encoding", "gzip");
        if (body.length > settings.gzipThresholdBytes()) {
            body = gzip(body);
            request.header("Content-Encoding", "gzip");
        }
        if (settings.accessToken() != null && !settings.accessToken().isBlank()) {
            request.header("Authorization", "Bearer " + settings.accessToken());
        }
        Timer.Sample sample = Timer.start(meters);
        HttpResponse<byte[]> response;
        try {
            response = http.send(
                    request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            sample.stop(latency("io_error"));
            throw new ExpoUnavailableException("no answer from Expo: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpoUnavailableException("interrupted while waiting for Expo", e);
        }
        sample.stop(latency(String.valueOf(response.statusCode())));
        return response;
    }

    private List<PushResult> tickets(List<ExpoPushMessage> chunk, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        JsonNode answer = parse(response);
        if (status == 429 || status >= 500) {
            throw new ExpoUnavailableException("Expo answered " + status + errorText(answer));
        }
        if (answer == null) {
            if (status >= 400) {
                throw new ExpoRejectedException("HTTP_" + status, "Expo answered " + status + " without JSON", null);
            }
            throw new ExpoUnavailableException("Expo answered " + status + " with a body that is not JSON");
        }
        JsonNode errors = answer.path("errors");
        if (status >= 400 || (errors.isArray() && !errors.isEmpty() && !answer.has("data"))) {
            JsonNode first = errors.path(0);
            throw new ExpoRejectedException(
                    first.path("code").asString("HTTP_" + status),
                    first.path("message").asString("Expo answered " + status),
                    first.get("details"));
        }
        JsonNode data = answer.path("data");
        List<JsonNode> tickets = new ArrayList<>();
        if (data.isArray()) {
            data.forEach(tickets::add);
        } else if (data.isObject()) {
            tickets.add(data);
        }
        if (tickets.size() != chunk.size()) {
            throw new ExpoUnavailableException(
                    "Expo answered " + tickets.size() + " tickets for " + chunk.size() + " messages");
        }
        return tickets.stream().map(ExpoPushClient::toResult).toList();
    }

    private static PushResult toResult(JsonNode ticket) {
        if ("ok".equals(ticket.path("status").asString())) {
            return new PushResult.Accepted(ticket.path("id").asString());
        }
        String code = ticket.path("details").path("error").asString("UnknownError");
        return new PushResult.Failed(code, ticket.path("message").asString(), "MessageRateExceeded".equals(code));
    }

    private JsonNode parse(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        try {
            if (response.headers()
                    .firstValue("Content-Encoding")
                    .filter("gzip"::equalsIgnoreCase)
                    .isPresent()) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException | IOException e) {
            return null;
        }
    }

    private static String errorText(JsonNode answer) {
        if (answer == null) {
            return " (not JSON)";
        }
        JsonNode first = answer.path("errors").path(0);
        return first.isMissingNode()
                ? ""
                : " " + first.path("code").asString() + ": "
                        + first.path("message").asString();
    }

    private Timer latency(String status) {
        return Timer.builder("pushpipe.expo.request.latency")
                .description("Time for one send request to the Expo Push API, by HTTP status")
                .tag("status", status)
                .publishPercentileHistogram()
                .register(meters);
    }

    private static List<PushResult> failAll(
            List<ExpoPushMessage> chunk, String code, String message, boolean transientFailure) {
        PushResult failed = new PushResult.Failed(code, message, transientFailure);
        return chunk.stream().map(m -> failed).toList();
    }

    /** The fastest level: push bodies repeat themselves, so it still shrinks them about tenfold. */
    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(zipped) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    /**
     * Expo's receipt for one ticket.
     *
     * @param ok Apple or Google accepted the notification
     * @param errorCode when not ok, Expo's error, for example {@code DeviceNotRegistered}
     * @param message Expo's explanation
     */
    public record Receipt(boolean ok, String errorCode, String message) {}

    @Override
    public void close() {
        requests.shutdownNow();
    }
}
