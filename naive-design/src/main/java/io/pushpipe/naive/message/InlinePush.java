package io.pushpipe.naive.message;

import io.pushpipe.common.MessageType;
import io.pushpipe.naive.NaiveDesignProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seed's background task: after the answer, one query for the receiver's active tokens (notification-
 * service's table: the naive design shares one database) and one request to Expo with all of them. At most
 * {@code requests-in-flight} pushes run at once, as Expo's Node SDK allows; the rest queue in memory, where a
 * restart loses them. No retry, no rate limit, no record of what was sent: a failure is a log line.
 */
@Component
class InlinePush implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InlinePush.class);

    private static final String ACTIVE_TOKENS = """
            select expo_token from notification.push_tokens
            where user_id = :receiverId and active
            """;

    private static final Map<MessageType, String> TITLES = Map.of(
            MessageType.TEXT, "💬 New Message",
            MessageType.ZOOM_LINK, "🎥 Interview Scheduled!",
            MessageType.FORM_LINK, "📝 Test Assigned!",
            MessageType.STATUS_UPDATE, "📋 Status Update");

    private static final int PREVIEW_LENGTH = 120;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final URI send;
    private final HttpClient http;
    private final ExecutorService pool;

    InlinePush(JdbcClient jdbc, JsonMapper json, NaiveDesignProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.send = URI.create(properties.expo().baseUrl().toString().replaceAll("/+$", "") + "/--/api/v2/push/send");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.pool = Executors.newFixedThreadPool(
                properties.expo().requestsInFlight(), new CustomizableThreadFactory("naive-push-"));
    }

    /** Queues the push and returns at once: nobody waits for it, nobody hears whether it worked. */
    void sendLater(UUID messageId, SendMessageRequest message) {
        pool.execute(() -> send(messageId, message));
    }

    private void send(UUID messageId, SendMessageRequest message) {
        try {
            List<String> tokens = jdbc.sql(ACTIVE_TOKENS)
                    .param("receiverId", message.receiverId())
                    .query(String.class)
                    .list();
            if (tokens.isEmpty()) {
                log.warn("⚠️ No push token found for user {}", message.receiverId());
                return;
            }
            String body = message.content().length() > PREVIEW_LENGTH
                    ? message.content().substring(0, PREVIEW_LENGTH) + "…"
                    : message.content();
            Map<String, String> data = Map.of(
                    "messageId",
                    messageId.toString(),
                    "messageType",
                    message.messageType().wireName());
            List<Map<String, Object>> pushes = tokens.stream()
                    .map(token -> Map.<String, Object>of(
                            "to", token, "title", TITLES.get(message.messageType()), "body", body, "data", data))
                    .toList();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(send)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(pushes)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                log.warn("Expo answered {} messageId={}; the push is lost", response.statusCode(), messageId);
                return;
            }
            long refused = json.readTree(response.body())
                    .path("data")
                    .valueStream()
                    .filter(ticket -> "error".equals(ticket.path("status").asString()))
                    .count();
            if (refused > 0) {
                log.warn("Expo refused {} of {} pushes messageId={}", refused, tokens.size(), messageId);
            }
            log.info("✅ Push notification sent successfully messageId={} devices={}", messageId, tokens.size());
            log.info("🔔 Push notification sent to user {}", message.receiverId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("Push failed messageId={}: {}; the push is lost", messageId, e.toString());
        }
    }

    /** What is still queued is lost, as it was when the seed's process stopped. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
