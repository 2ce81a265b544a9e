package io.pushpipe.messageservice;

import io.pushpipe.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/** Posts messages to a running message-service over real HTTP, as the portal does. */
public final class PortalClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI sendMessage;

    public PortalClient(int port) {
        this.sendMessage = URI.create("http://localhost:" + port + "/message/send-message");
    }

    /** Posts a text message and returns the response; the caller asserts on it. */
    public HttpResponse<String> post(UUID sender, UUID receiver, String content) {
        String json = """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "text", "content": "%s"}
                """.formatted(sender, receiver, content);
        HttpRequest request = HttpRequest.newBuilder(sendMessage)
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.serviceRole())
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
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
