package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushpipe.messageservice.PortalClient;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TestTokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL goes down under a running message-service and comes back. This test owns its database
 * server (embedded, whatever the shared infrastructure is) because it stops and restarts it on the same
 * port and data directory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DatabaseOutageTests {

    private static final Path DATA = dataDirectory();
    private static EmbeddedPostgres database = start(0);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> database.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
    }

    @Test
    void answers503WithRetryAfterWhileTheDatabaseIsDownAndRecoversWhenItIsBack() throws Exception {
        PortalClient portal = new PortalClient(port);
        UUID employer = UUID.randomUUID();
        UUID before = portal.send(employer, UUID.randomUUID(), "Before the outage");
        int databasePort = database.getPort();

        database.close();
        HttpResponse<String> during = portal.post(employer, UUID.randomUUID(), "During the outage");

        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(during.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(during.body())
                .contains("nothing was stored")
                .doesNotContain("Exception")
                .doesNotContain("at org.");

        database = start(databasePort);
        // Pooled connections broken by the restart may fail a request or two with 503 before they are
        // replaced; the service must be fully back within seconds.
        UUID after = await().atMost(Duration.ofSeconds(15))
                .until(() -> portal.post(employer, UUID.randomUUID(), "After the outage"), r -> r.statusCode() == 201)
                .headers()
                .firstValue("Location")
                .map(location -> UUID.fromString(location.substring("/message/".length())))
                .orElseThrow();

        await().atMost(Duration.ofSeconds(15)).until(() -> get(before).statusCode() == 200);
        assertThat(get(after).body()).contains("After the outage");
    }

    private HttpResponse<String> get(UUID messageId) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/message/" + messageId))
                                .header("Authorization", TestTokens.serviceRole())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static EmbeddedPostgres start(int port) {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(DATA)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }

    private static Path dataDirectory() {
        try {
            Path parent = Files.createTempDirectory("pushpipe-db-outage");
            // zonky runs PostgreSQL as 'nobody' when the tests run as root: it must be able to write here.
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
            return parent.resolve("data");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
