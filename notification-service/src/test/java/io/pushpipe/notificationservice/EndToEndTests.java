package io.pushpipe.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.exposandbox.ReceivedNotification;
import io.pushpipe.messageservice.MessageServiceApplication;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

/** From the portal's POST to the phone: message-service and notification-service on real infrastructure. */
@ExtendWith(OutputCaptureExtension.class)
class EndToEndTests extends NotificationIntegrationTest {

    private static ConfigurableApplicationContext messageService;

    @Autowired
    MockMvc mvc;

    @BeforeAll
    static void startMessageService() {
        SharedInfrastructure.PostgresServer db = SharedInfrastructure.postgres();
        messageService = new SpringApplicationBuilder(MessageServiceApplication.class)
                .run(
                        "--spring.config.name=message-service",
                        "--server.port=0",
                        "--spring.datasource.url=" + db.jdbcUrl(),
                        "--spring.datasource.username=" + db.username(),
                        "--spring.datasource.password=" + db.password(),
                        "--spring.kafka.bootstrap-servers=" + SharedInfrastructure.kafkaBootstrapServers());
    }

    @AfterAll
    static void stopMessageService() {
        messageService.close();
    }

    @Test
    void aMessagePostedByThePortalReachesEveryDeviceOfTheCandidate() throws Exception {
        UUID employer = UUID.randomUUID();
        UUID candidate = UUID.randomUUID();
        List<String> devices = List.of(newToken("e2e-phone"), newToken("e2e-tablet"));
        for (String device : devices) {
            registerToken(mvc, candidate, device);
        }

        HttpResponse<String> posted = post(employer, candidate, "form_link", "Please complete the coding test");

        assertThat(posted.statusCode()).isEqualTo(201);
        String messageId = posted.headers().firstValue("Location").orElseThrow().substring("/message/".length());
        await().atMost(Duration.ofSeconds(30)).until(() -> pushesTo(devices).size() == 2);
        assertThat(pushesTo(devices)).allSatisfy(push -> {
            assertThat(push.title()).isEqualTo("📝 Test Assigned!");
            assertThat(push.body()).isEqualTo("Please complete the coding test");
            assertThat(push.data()).containsEntry("messageId", messageId).containsEntry("messageType", "form_link");
        });
    }

    @Test
    void sqlHtmlRightToLeftTextAndEmojiArriveIntactWhileNeitherContentNorWholeTokensAreLogged(CapturedOutput logs)
            throws Exception {
        UUID candidate = UUID.randomUUID();
        String device = newToken("privacy");
        registerToken(mvc, candidate, device);
        String content =
                "סודי مرحبا 👋 <b onclick=alert(1)>hi</b> '); drop table messages; -- secret-" + UUID.randomUUID();

        HttpResponse<String> posted = post(UUID.randomUUID(), candidate, "text", content);

        assertThat(posted.statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pushesTo(List.of(device)).size() == 1);
        assertThat(pushesTo(List.of(device)).get(0).body()).isEqualTo(content);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> logs.getOut().contains("🔔 Push notification sent to user " + candidate));
        assertThat(logs.getAll())
                .contains("✅ Push notification sent successfully")
                .doesNotContain(content)
                .doesNotContain("secret-")
                .doesNotContain(device)
                .as("no bearer token (every JWT starts with eyJ) is logged")
                .doesNotContain("eyJ");
    }

    private static HttpResponse<String> post(UUID sender, UUID receiver, String type, String content) throws Exception {
        String port = messageService.getEnvironment().getProperty("local.server.port");
        String json = JsonMapper.builder()
                .build()
                .writeValueAsString(Map.of(
                        "sender_id",
                        sender.toString(),
                        "receiver_id",
                        receiver.toString(),
                        "message_type",
                        type,
                        "content",
                        content));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/message/send-message"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", TestTokens.employer(sender))
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static List<ReceivedNotification> pushesTo(List<String> devices) {
        return EXPO.notifications().stream()
                .filter(n -> devices.contains(n.to()))
                .toList();
    }
}
