package io.pushpipe.exposandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ExpoSandboxTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private ExpoSandbox expo;

    @BeforeEach
    void start() throws IOException {
        expo = ExpoSandbox.start(0);
    }

    @AfterEach
    void stop() {
        expo.close();
    }

    @Test
    void answersTicketsInRecipientOrderAndRecordsAcceptedNotifications() throws Exception {
        HttpResponse<String> response = send("""
                [{"to":"ExponentPushToken[aaa]","title":"💬 New Message","body":"Hi","data":{"messageId":"m1"}},
                 {"to":"ExponentPushToken[Dead-1]","title":"t"}]
                """, false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .matches("\\{\"data\":\\[\\{\"status\":\"ok\",\"id\":\"[0-9a-f-]{36}\"},"
                        + "\\{\"status\":\"error\",.*\"details\":\\{\"error\":\"DeviceNotRegistered\","
                        + "\"expoPushToken\":\"ExponentPushToken\\[Dead-1]\"}}]}");
        assertThat(expo.notifications()).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo("ExponentPushToken[aaa]");
            assertThat(n.title()).isEqualTo("💬 New Message");
            assertThat(n.data()).containsEntry("messageId", "m1");
        });
    }

    @Test
    void refusesMoreThan100RecipientsAndMixedProjectsWithExposErrorBodies() throws Exception {
        String tooMany = IntStream.range(0, 101)
                .mapToObj(i -> "{\"to\":\"ExponentPushToken[t" + i + "]\"}")
                .collect(Collectors.joining(",", "[", "]"));
        HttpResponse<String> mixed =
                send("[{\"to\":\"ExponentPushToken[a]\"},{\"to\":\"ExponentPushToken[projectB-1]\"}]", false);

        assertThat(send(tooMany, false).body()).contains("\"code\":\"PUSH_TOO_MANY_NOTIFICATIONS\"");
        assertThat(mixed.statusCode()).isEqualTo(400);
        assertThat(mixed.body())
                .contains("\"code\":\"PUSH_TOO_MANY_EXPERIENCE_IDS\"")
                .contains("\"@pushpipe/app\":[\"ExponentPushToken[a]\"]")
                .contains("\"@pushpipe/project-b\":[\"ExponentPushToken[projectB-1]\"]");
    }

    @Test
    void enforcesTheRateLimitPerProjectWith429() throws Exception {
        expo.rateLimitPerSecond(3);
        String two = "[{\"to\":\"ExponentPushToken[a]\"},{\"to\":\"ExponentPushToken[b]\"}]";

        assertThat(send(two, false).statusCode()).isEqualTo(200);
        HttpResponse<String> second = send(two, false);

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("TOO_MANY_REQUESTS");
    }

    @Test
    void recordsTheBusiestRollingSecondPerProjectWithOrWithoutALimit() throws Exception {
        String two = "[{\"to\":\"ExponentPushToken[a]\"},{\"to\":\"ExponentPushToken[b]\"}]";
        send(two, false);
        send(two, false);
        send("[{\"to\":\"ExponentPushToken[projectB-1]\"}]", false);

        assertThat(expo.busiestSecond()).containsEntry("@pushpipe/app", 4L).containsEntry("@pushpipe/project-b", 1L);

        expo.reset();
        expo.rateLimitPerSecond(3);
        send(two, false);
        send(two, false);

        assertThat(expo.busiestSecond()).as("a refused request is not counted").containsEntry("@pushpipe/app", 2L);
    }

    @Test
    void readsGzipBodiesAndServesScriptedFaultsAndOutages() throws Exception {
        expo.failNext(1, ExpoSandbox.Fault.tooManyRequests());

        assertThat(send("[{\"to\":\"ExponentPushToken[a]\"}]", true).statusCode())
                .isEqualTo(429);
        assertThat(send("[{\"to\":\"ExponentPushToken[a]\"}]", true).statusCode())
                .isEqualTo(200);
        expo.outage(true);
        HttpResponse<String> down = send("[{\"to\":\"ExponentPushToken[a]\"}]", false);

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(expo.requests()).extracting(ReceivedRequest::gzipped).containsExactly(true, true, false);
    }

    @Test
    void answersReceiptsByTheDeviceTableWithAMessageThatFitsTheError() throws Exception {
        List<String> tokens = List.of(
                "ExponentPushToken[healthy]",
                "ExponentPushToken[Gone-1]",
                "ExponentPushToken[ProviderCredentials-1]",
                "ExponentPushToken[ReceiptRate-1]");
        String messages =
                tokens.stream().map(token -> "{\"to\":\"" + token + "\"}").collect(Collectors.joining(",", "[", "]"));
        List<String> tickets = new ArrayList<>();
        JSON.readTree(send(messages, false).body())
                .path("data")
                .forEach(t -> tickets.add(t.path("id").asString()));

        var receipts = JSON.readTree(receipts(expo, tickets).body()).path("data");

        assertThat(receipts.path(tickets.get(0)).path("status").asString()).isEqualTo("ok");
        assertThat(receipts.path(tickets.get(1)).path("details").path("error").asString())
                .isEqualTo("DeviceNotRegistered");
        assertThat(receipts.path(tickets.get(2)).path("details").path("error").asString())
                .isEqualTo("InvalidCredentials");
        assertThat(receipts.path(tickets.get(3)).path("details").path("error").asString())
                .isEqualTo("MessageRateExceeded");
        assertThat(receipts.path(tickets.get(3)).path("message").asString())
                .contains("rate exceeded")
                .doesNotContain("credentials");
    }

    @Test
    void countsThe429sItAnswersPerSecondAndServesThemAsJson() throws Exception {
        expo.rateLimitPerSecond(1);
        String two = "[{\"to\":\"ExponentPushToken[a]\"},{\"to\":\"ExponentPushToken[b]\"}]";
        for (int i = 0; i < 3; i++) {
            assertThat(send(two, false).statusCode()).isEqualTo(429);
        }
        expo.failNext(1, ExpoSandbox.Fault.tooManyRequests());
        send("{\"to\":\"ExponentPushToken[a]\"}", false);
        assertThat(send("{\"to\":\"ExponentPushToken[a]\"}", false).statusCode())
                .isEqualTo(200);

        Map<Instant, Integer> rejected = expo.rejectedPerSecond();
        HttpResponse<String> listed = http.send(
                HttpRequest.newBuilder(URI.create(expo.baseUrl() + ExpoSandbox.REJECTED_PATH))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(rejected.values().stream().mapToInt(Integer::intValue).sum())
                .as("three over the limit and one scripted")
                .isEqualTo(4);
        assertThat(rejected.keySet())
                .allSatisfy(second -> assertThat(second.getNano()).isZero());
        Map<Instant, Integer> fromJson = new TreeMap<>();
        JSON.readTree(listed.body())
                .forEach(entry -> fromJson.put(
                        Instant.parse(entry.path("second").asString()),
                        entry.path("rejected").asInt()));
        assertThat(fromJson).isEqualTo(rejected);
        expo.reset();
        assertThat(expo.rejectedPerSecond()).isEmpty();
    }

    @Test
    void keepsOnlyTheLatestNotificationsRequestsAndTicketsItIsToldToKeep() throws Exception {
        try (ExpoSandbox small = ExpoSandbox.start(0, 3)) {
            List<String> tickets = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = send(small, "{\"to\":\"ExponentPushToken[phone-" + i + "]\"}", false);
                tickets.add(JSON.readTree(response.body())
                        .path("data")
                        .get(0)
                        .path("id")
                        .asString());
            }
            HttpResponse<String> listed = http.send(
                    HttpRequest.newBuilder(URI.create(small.baseUrl() + ExpoSandbox.NOTIFICATIONS_PATH))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> receipts = http.send(
                    HttpRequest.newBuilder(URI.create(small.baseUrl() + ExpoSandbox.RECEIPTS_PATH))
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("ids", tickets))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(small.notifications())
                    .extracting(ReceivedNotification::to)
                    .containsExactly(
                            "ExponentPushToken[phone-2]", "ExponentPushToken[phone-3]", "ExponentPushToken[phone-4]");
            assertThat(small.notificationCount())
                    .as("every accepted one is counted")
                    .isEqualTo(5);
            assertThat(small.requests()).hasSize(3);
            assertThat(JSON.readTree(listed.body())).hasSize(3);
            assertThat(JSON.readTree(receipts.body()).path("data").propertyNames())
                    .as("receipts only for the tickets still kept")
                    .containsExactlyInAnyOrderElementsOf(tickets.subList(2, 5));
        }
    }

    @Test
    void keepsTenThousandByDefaultAndComposeCanBindEveryInterfaceAndSetTheBound() throws Exception {
        try (ExpoSandbox standalone = ExpoSandbox.fromEnvironment(Map.of("PORT", "0"));
                ExpoSandbox composed =
                        ExpoSandbox.fromEnvironment(Map.of("PORT", "0", "BIND_ADDRESS", "0.0.0.0", "RETAINED", "1"))) {
            send(composed, "[{\"to\":\"ExponentPushToken[a]\"},{\"to\":\"ExponentPushToken[b]\"}]", false);

            assertThat(standalone.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(composed.address().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(composed.notifications())
                    .extracting(ReceivedNotification::to)
                    .containsExactly("ExponentPushToken[b]");
        }
        assertThat(ExpoSandbox.DEFAULT_RETAINED).isEqualTo(10_000);
    }

    private HttpResponse<String> receipts(ExpoSandbox target, List<String> tickets) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(target.baseUrl() + ExpoSandbox.RECEIPTS_PATH))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("ids", tickets))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String json, boolean gzip) throws Exception {
        return send(expo, json, gzip);
    }

    private HttpResponse<String> send(ExpoSandbox target, String json, boolean gzip) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + ExpoSandbox.SEND_PATH))
                .header("Content-Type", "application/json");
        if (gzip) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
                out.write(body);
            }
            body = zipped.toByteArray();
            request.header("Content-Encoding", "gzip");
        }
        return http.send(
                request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
