package io.pushpipe.messageservice;

import io.pushpipe.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Posts messages to a running message-service over real HTTP, as the portal does. */
public final class PortalClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI sendMessage;
    private final URI outboxHealth;

    public PortalClient(int port) {
        this.sendMessage = URI.create("http://localhost:" + port + "/message/send-message");
        this.outboxHealth = URI.create("http://localhost:" + port + "/actuator/health/outbox");
    }

    /** Posts a text message and returns the response; the caller asserts on it. */
    public HttpResponse<String> post(UUID sender, UUID receiver, String content) {
        String json = """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "text", "content": "%s"}
                """.formatted(sender, receiver, content);
        return exchange(HttpRequest.newBuilder(sendMessage)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The {@code outbox} health component as service_role sees it, without blanks, for {@code contains}. */
    public String outboxHealth() {
        return exchange(HttpRequest.newBuilder(outboxHealth)).body().replace(" ", "");
    }

    /**
     * Posts {@code perReceiver} messages to each receiver, one thread per receiver, each receiver's in turn.
     *
     * @return per receiver, the ids of its messages in the order they were sent
     */
    public Map<UUID, List<UUID>> sendConcurrently(UUID sender, List<UUID> receivers, int perReceiver) {
        ExecutorService pool = Executors.newFixedThreadPool(receivers.size());
        try {
            Map<UUID, Future<List<UUID>>> sends = new LinkedHashMap<>();
            for (UUID receiver : receivers) {
                sends.put(receiver, pool.submit(() -> {
                    List<UUID> ids = new ArrayList<>();
                    for (int i = 0; i < perReceiver; i++) {
                        ids.add(send(sender, receiver, "Update " + i));
                    }
                    return ids;
                }));
            }
            Map<UUID, List<UUID>> sent = new LinkedHashMap<>();
            for (Map.Entry<UUID, Future<List<UUID>>> send : sends.entrySet()) {
                sent.put(send.getKey(), send.getValue().get());
            }
            return sent;
        } catch (ExecutionException e) {
            throw new AssertionError("a send failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.header("Authorization", TestTokens.serviceRole()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts a text message, requires 201 and returns the new message's id. */
    public UUID send(UUID sender, UUID receiver, String content) {
        HttpResponse<String> response = post(sender, receiver, content);
        if (response.statusCode() != 201) {
            throw new AssertionError("expected 201 but got " + response.statusCode() + ": " + response.body());
        }
        String location = response.headers().firstValue("Location").orElseThrow();
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }
}
