package io.pushpipe.exposandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the Expo Push API on a local port, faithful to its wire format: {@code POST
 * /--/api/v2/push/send} and {@code POST /--/api/v2/push/getReceipts}, tickets in recipient order, error
 * tickets, whole-request errors in {@code {"errors": [...]}}, the 100-recipient and per-project rate
 * limits, gzip request bodies and optional access-token auth.
 *
 * <p>Token conventions (the table is {@link Device}): a token containing {@code Dead} is not registered
 * ({@code DeviceNotRegistered}), {@code RateExceeded} gets {@code MessageRateExceeded}, {@code BadCredentials}
 * gets {@code InvalidCredentials}; {@code Gone} gets an ok ticket and a {@code DeviceNotRegistered} receipt,
 * {@code ProviderCredentials} an ok ticket and an {@code InvalidCredentials} receipt, {@code ReceiptRate} an ok
 * ticket and a {@code MessageRateExceeded} receipt. A token whose inner part starts with {@code projectB}
 * belongs to a second Expo project, so mixing it with others gets {@code PUSH_TOO_MANY_EXPERIENCE_IDS}.
 *
 * <p>Faults can be scripted: {@link #failNext}, {@link #outage} and {@link #latency}. What it received is
 * recorded for inspection: the latest {@link #DEFAULT_RETAINED} notifications, requests and tickets unless
 * told otherwise, so that a sandbox left running (compose, the local stack) does not grow without bound; and
 * the 429s it answered, per second ({@link #rejectedPerSecond}), so that a burst is visible. Thread-safe.
 */
public final class ExpoSandbox implements AutoCloseable {

    public static final String SEND_PATH = "/--/api/v2/push/send";
    public static final String RECEIPTS_PATH = "/--/api/v2/push/getReceipts";
    public static final String NOTIFICATIONS_PATH = "/api/notifications";
    /** {@link #rejectedPerSecond()} as JSON: {@code [{"second": "<ISO instant>", "rejected": <count>}, ...]}. */
    public static final String REJECTED_PATH = "/api/rejected-per-second";

    public static final String DEFAULT_PROJECT = "@pushpipe/app";
    public static final String SECOND_PROJECT = "@pushpipe/project-b";
    public static final int MAX_RECIPIENTS_PER_REQUEST = 100;
    public static final int MAX_PAYLOAD_BYTES = 4096;
    public static final int MAX_RECEIPT_IDS_PER_REQUEST = 1000;
    /** How many notifications, send requests, receipt requests and tickets a sandbox keeps by default. */
    public static final int DEFAULT_RETAINED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ExpoSandbox.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Recording recording;
    private final FaultSwitches faults = new FaultSwitches();
    private final ProjectRateLimit rateLimit = new ProjectRateLimit(600);

    private ExpoSandbox(HttpServer server, Clock clock, int retained) {
        this.server = server;
        this.recording = new Recording(retained);
        this.executor = Executors.newFixedThreadPool(64, runnable -> {
            Thread thread = new Thread(runnable, "expo-sandbox");
            thread.setDaemon(true);
            return thread;
        });
        SandboxPage page = new SandboxPage(recording);
        server.setExecutor(executor);
        server.createContext(SEND_PATH, new SendHandler(clock, faults, rateLimit, recording));
        server.createContext(RECEIPTS_PATH, new ReceiptsHandler(faults, recording));
        server.createContext(NOTIFICATIONS_PATH, page::notifications);
        server.createContext(REJECTED_PATH, page::rejectedPerSecond);
        server.createContext("/", page::page);
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

    static {
        // The JDK's HTTP server leaves Nagle's algorithm on, so each answer on a kept-alive connection waited
        // for the client's delayed ACK: about 40 ms a request that real Expo does not add. It reads the switch
        // once, when the first server of the JVM is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
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
    public void failNext(int times, Fault fault) {
        faults.failNext(times, fault);
    }

    /** While on, every send request gets an HTML 503 page, as Expo's load balancer sends during outages. */
    public void outage(boolean on) {
        faults.outage(on);
    }

    /** Delay before every answer. */
    public void latency(Duration latency) {
        faults.latency(latency);
    }

    /** Notifications per second and project before requests get 429; 0 turns the limit off. */
    public void rateLimitPerSecond(int limit) {
        rateLimit.perSecond(limit);
    }

    /** Demands {@code Authorization: Bearer <token>}, as Expo does with enhanced push security; null stops. */
    public void requireAccessToken(String token) {
        faults.requireAccessToken(token);
    }

    /** The latest notifications accepted with an ok ticket, in arrival order. */
    public List<ReceivedNotification> notifications() {
        return recording.notifications();
    }

    /** How many notifications were accepted since the start or the last reset, kept or not. */
    public int notificationCount() {
        return recording.notificationCount();
    }

    /** The latest send requests, whatever their answer, in arrival order. */
    public List<ReceivedRequest> requests() {
        return recording.requests();
    }

    /** The ticket ids of the latest getReceipts requests, in arrival order. */
    public List<List<String>> receiptRequests() {
        return recording.receiptRequests();
    }

    /**
     * How many send requests were answered 429 (the rate limit or a scripted fault) in each second since the
     * start or the last reset, by the start of the second they arrived in; seconds without one are left out.
     */
    public SortedMap<Instant, Integer> rejectedPerSecond() {
        return recording.rejectedPerSecond();
    }

    /**
     * Per Expo project, the most notifications that arrived and were admitted within one rolling second since
     * the start or the last reset, whether a limit is set or not.
     */
    public Map<String, Long> busiestSecond() {
        return rateLimit.busiestSecond();
    }

    /** The most send requests that were being handled at the same moment. */
    public int maxInFlight() {
        return recording.maxInFlight();
    }

    /** Forgets everything received, every scripted fault and the access token; limits and latency stay. */
    public void reset() {
        faults.clear();
        recording.clear();
        rateLimit.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
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
