package io.pushpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.exposandbox.ReceivedNotification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The README's quick start, done by a program: the local stack, the demo requests, the sandbox page. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Map<String, String> TITLES = Map.of(
            "text", "💬 New Message",
            "zoom_link", "🎥 Interview Scheduled!",
            "form_link", "📝 Test Assigned!",
            "status_update", "📋 Status Update");

    @TempDir
    static Path data;

    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStack.Settings.ephemeral(data));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void theReadmeWalkThroughDeliversOneNotificationOfEachType() throws Exception {
        HttpResponse<String> registered = post(
                stack.notificationServicePort(), "/push-tokens", stack.tokens().candidate(), """
                {"user_id": "%s", "expo_token": "ExponentPushToken[demo-candidate-phone]", "platform": "ios"}
                """.formatted(
                                LocalStack.DemoUsers.CANDIDATE));
        assertThat(registered.statusCode()).isIn(200, 201);

        for (String type : List.of("text", "zoom_link", "form_link", "status_update")) {
            HttpResponse<String> sent = post(
                    stack.messageServicePort(),
                    "/message/send-message",
                    stack.tokens().employer(),
                    """
                    {"sender_id": "%s", "receiver_id": "%s", "message_type": "%s", "content": "Demo %s message"}
                    """.formatted(LocalStack.DemoUsers.EMPLOYER, LocalStack.DemoUsers.CANDIDATE, type, type));
            assertThat(sent.statusCode()).isEqualTo(201);
        }

        await().atMost(Duration.ofSeconds(60))
                .until(() -> stack.sandbox().notifications().size() == 4);
        assertThat(stack.sandbox().notifications())
                .extracting(ReceivedNotification::title)
                .containsExactlyInAnyOrderElementsOf(TITLES.values());
        assertThat(stack.banner())
                .contains("http://localhost:" + stack.messageServicePort())
                .contains("http://localhost:" + stack.sandbox().port())
                .contains(data.toString())
                .contains("export ADMIN_TOKEN=" + stack.tokens().admin());
        assertThat(Files.readString(stack.tokensFile()))
                .contains("export EMPLOYER_TOKEN=" + stack.tokens().employer())
                .contains("export CANDIDATE_TOKEN=" + stack.tokens().candidate());
    }

    @Test
    @Order(3)
    void theCandidateCannotPostAsTheEmployerNorSendAnInvitationNorReadTheDeadLetters() throws Exception {
        HttpResponse<String> impersonation = post(
                stack.messageServicePort(),
                "/message/send-message",
                stack.tokens().candidate(),
                """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "text", "content": "I am the employer"}
                """.formatted(LocalStack.DemoUsers.EMPLOYER, LocalStack.DemoUsers.CANDIDATE));
        HttpResponse<String> invitation = post(
                stack.messageServicePort(),
                "/message/send-message",
                stack.tokens().candidate(),
                """
                {"sender_id": "%s", "receiver_id": "%s", "message_type": "zoom_link", "content": "Interview now"}
                """.formatted(LocalStack.DemoUsers.CANDIDATE, LocalStack.DemoUsers.EMPLOYER));
        HttpResponse<String> deadLetters = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + stack.notificationServicePort() + "/admin/dlt"))
                        .header("Authorization", "Bearer " + stack.tokens().candidate())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(impersonation.statusCode()).isEqualTo(403);
        assertThat(invitation.statusCode()).isEqualTo(403);
        assertThat(invitation.body()).contains("\"missing_permission\":\"send zoom_link\"");
        assertThat(deadLetters.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void theSandboxPageShowsTheFourNotificationsAsALockScreenWould() {
        boolean browserInstalled = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        Assumptions.assumeTrue(
                browserInstalled || "true".equals(System.getenv("CI")),
                "Debian's chromium and chromium-driver are not installed; .ci/run installs them");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://localhost:" + stack.sandbox().port() + "/");

            List<WebElement> cards = new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> {
                List<WebElement> shown = driver.findElements(By.cssSelector(".card"));
                return shown.size() == 4 ? shown : null;
            });

            assertThat(cards).allMatch(WebElement::isDisplayed);
            assertThat(cards)
                    .extracting(
                            card -> card.findElement(By.cssSelector(".title")).getText())
                    .containsExactlyInAnyOrderElementsOf(TITLES.values());
            assertThat(browser.findElement(By.cssSelector(".device")).getText())
                    .isEqualTo("ExponentPushToken[demo-candidate-phone]");
        } finally {
            browser.quit();
        }
    }

    private HttpResponse<String> post(int port, String path, String token, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
