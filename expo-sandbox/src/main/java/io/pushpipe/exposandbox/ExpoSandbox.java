package io.pushpipe.exposandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in for the Expo Push API on a local port, faithful to its wire format: {@code POST
 * /--/api/v2/push/send} and {@code POST /--/api/v2/push/getReceipts}, tickets in recipient order, error
 * tickets, whole-request errors in {@code {"errors": [...]}}, the 100-recipient and per-project rate
 * limits, gzip request bodies and optional access-token auth.
 *
 * <p>Token conventions: a token containing {@code Dead} is not registered ({@code DeviceNotRegistered}),
 * {@code Gone} gets an ok ticket and a {@code DeviceNotRegistered} receipt, {@code ProviderCredentials} an
 * ok ticket and an {@code InvalidCredentials} receipt, {@code ReceiptRate} an ok ticket and a {@code
 * MessageRateExceeded} receipt,
 * {@code RateExceeded} gets {@code MessageRateExceeded}, {@code BadCredentials} gets {@code
 * InvalidCredentials}; a token whose inner part starts with {@code projectB} belongs to a second Expo
 * project, so mixing it with others gets {@code PUSH_TOO_MANY_EXPERIENCE_IDS}.
 *
 * <p>Faults can be scripted: {@link #failNext}, {@link #outage} and {@link #latency}. What it received is
 * recorded for inspection: the latest {@link #DEFAULT_RETAINED} notifications, requests and tickets unless
 * told otherwise, so that a sandbox left running (compose, the local stack) does not grow without bound.
 * Thread-safe.
 */
public final class ExpoSandbox implements AutoCloseable {

    public static final String SEND_PATH = "/--/api/v2/push/send";
    public static final String RECEIPTS_PATH = "/--/api/v2/push/getReceipts";
    public static final String NOTIFICATIONS_PATH = "/api/notifications";
    public static final String DEFAULT_PROJECT = "@pushpipe/app";
    public static final String SECOND_PROJECT = "@pushpipe/project-b";
    public static final int MAX_RECIPIENTS_PER_REQUEST = 100;
    public static final int MAX_PAYLOAD_BYTES = 4096;
    public static final int MAX_RECEIPT_IDS_PER_REQUEST = 1000;
    /** How many notifications, send requests, receipt requests and tickets a sandbox keeps by default. */
    public static final int DEFAULT_RETAINED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ExpoSandbox.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    // Appends must stay O(1): the benchmark sends hundreds of thousands of notifications.
    private final Latest<ReceivedNotification> notifications;
    private final Latest<ReceivedRequest> requests;
    private final Latest<List<String>> receiptRequests;
    private final Map<String, ReceivedNotification> tickets;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Deque<Fault> scriptedFaults = new ArrayDeque<>();
    private final Map<String, Deque<long[]>> sentPerProject = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private volatile boolean outage;
    private volatile Duration latency = Duration.ZERO;
    private volatile int rateLimitPerSecond = 600;
    private volatile String requiredAccessToken;

    private ExpoSandbox(HttpServer server, Clock clock, int retained) {
        this.server = server;
        this.clock = clock;
        this.notifications = new Latest<>(retained);
        this.requests = new Latest<>(retained);
        this.receiptRequests = new Latest<>(retained);
        // Like Expo, which keeps receipts for a day: a ticket no longer kept gets no receipt.
        this.tickets = Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ReceivedNotification> eldest) {
                return size() > retained;
            }
        });
        this.executor = Executors.newFixedThreadPool(64, runnable -> {
            Thread thread = new Thread(runnable, "expo-sandbox");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(SEND_PATH, this::handleSend);
        server.createContext(RECEIPTS_PATH, this::handleReceipts);
        server.createContext(NOTIFICATIONS_PATH, this::handleNotifications);
        server.createContext("/", this::handlePage);
    }

    /**
     * Runs the sandbox on its own, for docker-compose, from environment variables: {@code PORT} (default
     * 8082), {@code BIND_ADDRESS} (default {@code 127.0.0.1}; compose sets {@code 0.0.0.0} so that the
     * other containers reach it, and publishes it on the host's loopback only) and {@code RETAINED} (default
     * {@value #DEFAULT_RETAINED}); stops on SIGTERM.
     */
    public static void main(String[] args) throws IOException {
        ExpoSandbox sandbox = fromEnvironment(System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    }

    static ExpoSandbox fromEnvironment(Map<String, String> env) throws IOException {
        return start(
                Optional.ofNullable(env.get("BIND_ADDRESS")).orElse("127.0.0.1"),
                Integer.parseInt(Optional.ofNullable(env.get("PORT")).orElse("8082")),
                Integer.parseInt(Optional.ofNullable(env.get("RETAINED")).orElse(String.valueOf(DEFAULT_RETAINED))));
    }

    /** Starts a sandbox on {@code port} of the loopback interface; 0 picks a free port. */
    public static ExpoSandbox start(int port) throws IOException {
        return start(port, DEFAULT_RETAINED);
    }

    /**
     * Starts a sandbox on {@code port} of the loopback interface that keeps the latest {@code retained}
     * notifications, requests and tickets: the benchmark counts every notification of a long run.
     */
    public static ExpoSandbox start(int port, int retained) throws IOException {
        return start("127.0.0.1", port, retained);
    }

    private static ExpoSandbox start(String bindAddress, int port, int retained) throws IOException {
        if (retained < 1) {
            throw new IllegalArgumentException("retained must be at least 1, not " + retained);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 128);
        ExpoSandbox sandbox = new ExpoSandbox(server, Clock.systemUTC(), retained);
        server.start();
        log.info("Expo sandbox listening on {}:{}, keeping the latest {}", bindAddress, sandbox.port(), retained);
        return sandbox;
    }

    /** The address the sandbox listens on. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL to configure as the Expo endpoint, for example {@code http://127.0.0.1:8082}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers the next {@code times} send requests with {@code fault} instead of handling them. */
    public synchronized void failNext(int times, Fault fault) {
        for (int i = 0; i < times; i++) {
            scriptedFaults.add(fault);
        }
    }

    /** While on, every send request gets an HTML 503 page, as Expo's load balancer sends during outages. */
    public void outage(boolean on) {
        this.outage = on;
    }

    /** Delay before every answer. */
    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** Notifications per second and project before requests get 429; 0 turns the limit off. */
    public void rateLimitPerSecond(int limit) {
        this.rateLimitPerSecond = limit;
    }

    /** Demands {@code Authorization: Bearer <token>}, as Expo does with enhanced push security; null stops. */
    public void requireAccessToken(String token) {
        this.requiredAccessToken = token;
    }

    /** The latest notifications accepted with an ok ticket, in arrival order. */
    public List<ReceivedNotification> notifications() {
        return notifications.copy();
    }

    /** How many notifications were accepted since the start or the last reset, kept or not. */
    public int notificationCount() {
        return accepted.get();
    }

    /** The latest send requests, whatever their answer, in arrival order. */
    public List<ReceivedRequest> requests() {
        return requests.copy();
    }

    /** The ticket ids of the latest getReceipts requests, in arrival order. */
    public List<List<String>> receiptRequests() {
        return receiptRequests.copy();
    }

    /** The most send requests that were being handled at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Forgets everything received, every scripted fault and the access token; limits and latency stay. */
    public synchronized void reset() {
        requiredAccessToken = null;
        notifications.clear();
        accepted.set(0);
        requests.clear();
        receiptRequests.clear();
        tickets.clear();
        scriptedFaults.clear();
        sentPerProject.clear();
        maxInFlight.set(0);
        outage = false;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handleSend(HttpExchange exchange) throws IOException {
        // Expo counts a request against the rate limit when it arrives, not when it has been read and parsed.
        long arrivedAt = clock.millis();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            pause();
            Answer answer = send(exchange, arrivedAt);
            reply(exchange, answer);
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private Answer send(HttpExchange exchange, long arrivedAt) throws IOException {
        boolean gzipped = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] body = readBody(exchange, gzipped);
        Optional<Fault> fault = nextFault();
        if (!"POST".equals(exchange.getRequestMethod())) {
            return record(Answer.error(405, "METHOD_NOT_ALLOWED", "Use POST"), 0, gzipped, authorization);
        }
        if (fault.isPresent()) {
            return record(fault.get().answer(), 0, gzipped, authorization);
        }
        if (requiredAccessToken != null && !("Bearer " + requiredAccessToken).equals(authorization)) {
            return record(Answer.error(401, "UNAUTHORIZED", "The bearer token is invalid"), 0, gzipped, authorization);
        }
        List<Recipient> recipients;
        try {
            recipients = recipients(JSON.readTree(body));
        } catch (JacksonException | IllegalArgumentException e) {
            return record(Answer.error(400, "VALIDATION_ERROR", e.getMessage()), 0, gzipped, authorization);
        }
        int count = recipients.size();
        if (count > MAX_RECIPIENTS_PER_REQUEST) {
            return record(
                    Answer.error(
                            400,
                            "PUSH_TOO_MANY_NOTIFICATIONS",
                            "You are trying to send more than 100 push notifications in one request"),
                    count,
                    gzipped,
                    authorization);
        }
        Map<String, List<String>> byProject = new LinkedHashMap<>();
        recipients.forEach(r -> byProject
                .computeIfAbsent(projectOf(r.token()), p -> new ArrayList<>())
                .add(r.token()));
        if (byProject.size() > 1) {
            ObjectNode details = JSON.createObjectNode();
            byProject.forEach((project, tokens) -> tokens.forEach(details.withArray(project)::add));
            return record(
                    Answer.error(
                            400,
                            "PUSH_TOO_MANY_EXPERIENCE_IDS",
                            "All push notification messages in the same request must be for the same project",
                            details),
                    count,
                    gzipped,
                    authorization);
        }
        if (!admitted(byProject.keySet().stream().findFirst().orElse(DEFAULT_PROJECT), count, arrivedAt)) {
            return record(
                    Answer.error(
                            429,
                            "TOO_MANY_REQUESTS",
                            "Exceeded " + rateLimitPerSecond + " notifications per second, please try again."),
                    count,
                    gzipped,
                    authorization);
        }
        ArrayNode data = JSON.createArrayNode();
        Instant receivedAt = clock.instant();
        for (Recipient recipient : recipients) {
            data.add(ticketFor(recipient, receivedAt));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("data", data);
        return record(
                new Answer(200, "application/json", JSON.writeValueAsBytes(response)), count, gzipped, authorization);
    }

    private ObjectNode ticketFor(Recipient recipient, Instant receivedAt) {
        String token = recipient.token();
        ObjectNode ticket = JSON.createObjectNode();
        String error = null;
        String message = null;
        if (token.contains("Dead")) {
            error = "DeviceNotRegistered";
            message = "\"" + token + "\" is not a registered push notification recipient";
        } else if (token.contains("RateExceeded")) {
            error = "MessageRateExceeded";
            message = "Message rate exceeded for this device";
        } else if (token.contains("BadCredentials")) {
            error = "InvalidCredentials";
            message = "The push notification credentials for this app are invalid";
        } else if (recipient.payloadBytes() > MAX_PAYLOAD_BYTES) {
            error = "MessageTooBig";
            message = "Message too big: the payload is " + recipient.payloadBytes() + " bytes";
        }
        if (error != null) {
            ticket.put("status", "error");
            ticket.put("message", message);
            ObjectNode details = ticket.putObject("details");
            details.put("error", error);
            details.put("expoPushToken", token);
            return ticket;
        }
        String id = UUID.randomUUID().toString();
        ReceivedNotification notification = recipient.toNotification(id, receivedAt);
        notifications.add(notification);
        accepted.incrementAndGet();
        tickets.put(id, notification);
        ticket.put("status", "ok");
        ticket.put("id", id);
        return ticket;
    }

    private void handleReceipts(HttpExchange exchange) throws IOException {
        try {
            pause();
            boolean gzipped =
                    "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            JsonNode request = JSON.readTree(readBody(exchange, gzipped));
            List<String> ids = new ArrayList<>();
            request.path("ids").forEach(id -> ids.add(id.asString()));
            receiptRequests.add(List.copyOf(ids));
            if (ids.size() > MAX_RECEIPT_IDS_PER_REQUEST) {
                reply(
                        exchange,
                        Answer.error(
                                400,
                                "PUSH_TOO_MANY_RECEIPTS",
                                "You are trying to get more than 1000 receipts in one request"));
                return;
            }
            ObjectNode data = JSON.createObjectNode();
            for (String id : ids) {
                ReceivedNotification notification = tickets.get(id);
                if (notification != null) {
                    data.set(id, receiptFor(notification));
                }
            }
            ObjectNode response = JSON.createObjectNode();
            response.set("data", data);
            reply(exchange, new Answer(200, "application/json", JSON.writeValueAsBytes(response)));
        } catch (JacksonException e) {
            reply(exchange, Answer.error(400, "VALIDATION_ERROR", e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private void handleNotifications(HttpExchange exchange) throws IOException {
        try {
            ArrayNode list = JSON.createArrayNode();
            for (ReceivedNotification n : notifications()) {
                ObjectNode item = list.addObject();
                item.put("to", n.to());
                item.put("title", n.title());
                item.put("body", n.body());
                item.set("data", JSON.valueToTree(n.data()));
                item.put("priority", n.priority());
                item.put("ticket_id", n.ticketId());
                item.put("received_at", n.receivedAt().toString());
            }
            reply(exchange, new Answer(200, "application/json", JSON.writeValueAsBytes(list)));
        } finally {
            exchange.close();
        }
    }

    private void handlePage(HttpExchange exchange) throws IOException {
        try (InputStream page = ExpoSandbox.class.getResourceAsStream("index.html")) {
            if (!"/".equals(exchange.getRequestURI().getPath()) || page == null) {
                reply(
                        exchange,
                        Answer.error(
                                404,
                                "NOT_FOUND",
                                "The sandbox serves /, " + SEND_PATH + ", " + RECEIPTS_PATH + " and "
                                        + NOTIFICATIONS_PATH));
                return;
            }
            reply(exchange, new Answer(200, "text/html; charset=utf-8", page.readAllBytes()));
        } finally {
            exchange.close();
        }
    }

    /** Receipts follow the token conventions: {@code Gone} is not registered any more, {@code ProviderCredentials} fails. */
    private static ObjectNode receiptFor(ReceivedNotification notification) {
        ObjectNode receipt = JSON.createObjectNode();
        String to = notification.to();
        String error = to.contains("Gone")
                ? "DeviceNotRegistered"
                : to.contains("ProviderCredentials")
                        ? "InvalidCredentials"
                        : to.contains("ReceiptRate") ? "MessageRateExceeded" : null;
        if (error == null) {
            return receipt.put("status", "ok");
        }
        receipt.put("status", "error");
        receipt.put(
                "message",
                error.equals("DeviceNotRegistered")
                        ? "The device cannot receive push notifications anymore"
                        : "The push notification credentials for this app are invalid");
        receipt.putObject("details").put("error", error);
        return receipt;
    }

    private List<Recipient> recipients(JsonNode root) {
        List<Recipient> recipients = new ArrayList<>();
        Iterable<JsonNode> messages = root.isArray() ? root : List.of(root);
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.has("to")) {
                throw new IllegalArgumentException("\"to\" is required");
            }
            int payloadBytes = JSON.writeValueAsBytes(message).length;
            JsonNode to = message.get("to");
            for (JsonNode token : to.isArray() ? to : List.of(to)) {
                recipients.add(new Recipient(token.asString(), message, payloadBytes));
            }
        }
        return recipients;
    }

    private synchronized Optional<Fault> nextFault() {
        if (outage) {
            return Optional.of(Fault.htmlServiceUnavailable());
        }
        return Optional.ofNullable(scriptedFaults.poll());
    }

    private synchronized boolean admitted(String project, int count, long now) {
        if (rateLimitPerSecond <= 0) {
            return true;
        }
        Deque<long[]> window = sentPerProject.computeIfAbsent(project, p -> new ArrayDeque<>());
        // Arrival times are taken before this lock, so they are not quite in order: drop by time, not by position.
        window.removeIf(entry -> entry[0] <= now - 1000);
        long sent = window.stream().mapToLong(entry -> entry[1]).sum();
        if (sent + count > rateLimitPerSecond) {
            return false;
        }
        window.addLast(new long[] {now, count});
        return true;
    }

    private Answer record(Answer answer, int recipients, boolean gzipped, String authorization) {
        requests.add(new ReceivedRequest(clock.instant(), recipients, gzipped, authorization != null, answer.status()));
        return answer;
    }

    private void pause() {
        Duration delay = latency;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String projectOf(String token) {
        int open = token.indexOf('[');
        return open >= 0 && token.startsWith("projectB", open + 1) ? SECOND_PROJECT : DEFAULT_PROJECT;
    }

    private static byte[] readBody(HttpExchange exchange, boolean gzipped) throws IOException {
        try (InputStream raw = exchange.getRequestBody()) {
            byte[] bytes = raw.readAllBytes();
            if (!gzipped) {
                return bytes;
            }
            try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return unzipped.readAllBytes();
            }
        }
    }

    private static void reply(HttpExchange exchange, Answer answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    /** The latest {@code limit} items, in arrival order: appends stay O(1) and memory bounded. */
    private static final class Latest<T> {

        private final int limit;
        private final ArrayDeque<T> items = new ArrayDeque<>();

        Latest(int limit) {
            this.limit = limit;
        }

        synchronized void add(T item) {
            if (items.size() >= limit) {
                items.pollFirst();
            }
            items.addLast(item);
        }

        synchronized List<T> copy() {
            return List.copyOf(items);
        }

        synchronized void clear() {
            items.clear();
        }
    }

    private record Recipient(String token, JsonNode message, int payloadBytes) {

        ReceivedNotification toNotification(String ticketId, Instant receivedAt) {
            Map<String, Object> data =
                    message.has("data") ? JSON.convertValue(message.get("data"), Map.class) : Map.of();
            return new ReceivedNotification(
                    token,
                    text("title"),
                    text("body"),
                    data,
                    text("priority"),
                    text("sound"),
                    text("channelId"),
                    text("collapseId"),
                    text("tag"),
                    ticketId,
                    receivedAt);
        }

        private String text(String field) {
            return message.has(field) ? message.get(field).asString() : null;
        }
    }

    /** An HTTP answer: status, content type and body. */
    record Answer(int status, String contentType, byte[] body) {

        static Answer error(int status, String code, String message) {
            return error(status, code, message, null);
        }

        static Answer error(int status, String code, String message, JsonNode details) {
            ObjectNode error = JSON.createObjectNode();
            error.put("code", code);
            error.put("message", message);
            if (details != null) {
                error.set("details", details);
            }
            ObjectNode body = JSON.createObjectNode();
            body.putArray("errors").add(error);
            return new Answer(status, "application/json", JSON.writeValueAsBytes(body));
        }
    }

    /** A scripted answer to a send request, in place of handling it. */
    public record Fault(int status, String contentType, String body) {

        Answer answer() {
            return new Answer(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /** The HTML 503 page a load balancer answers with while Expo is down. */
        public static Fault htmlServiceUnavailable() {
            return new Fault(
                    503,
                    "text/html",
                    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
                            + "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>");
        }

        /** Expo's JSON answer when the project sends more than its rate limit. */
        public static Fault tooManyRequests() {
            return new Fault(
                    429,
                    "application/json",
                    "{\"errors\":[{\"code\":\"TOO_MANY_REQUESTS\","
                            + "\"message\":\"Exceeded 600 notifications per second, please try again.\"}]}");
        }

        /** A 400 with Expo's error body, for a request that must not be retried as is. */
        public static Fault badRequest(String code, String message) {
            return new Fault(
                    400,
                    "application/json",
                    new String(Answer.error(400, code, message).body(), StandardCharsets.UTF_8));
        }
    }
}
