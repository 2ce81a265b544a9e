package io.pushpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No Docker engine runs on the build machines, so docker-compose.yml is checked by reading it: the
 * services, their builds, health checks and start order, and that every environment variable it sets is
 * a property the services really read (from the configuration metadata in their jars).
 */
class ComposeFileTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Map<String, Map<String, Object>> services;
    private static Set<String> knownEnvironmentVariables;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
        knownEnvironmentVariables = new HashSet<>();
        JsonMapper json = JsonMapper.builder().build();
        for (URL metadata : Collections.list(
                ComposeFileTests.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = metadata.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    knownEnvironmentVariables.addAll(
                            environmentNames(property.path("name").asString()));
                }
            }
        }
    }

    @Test
    void runsPostgresKafkaInKraftModeTheSandboxAndBothServices() {
        assertThat(services)
                .containsOnlyKeys("postgres", "kafka", "expo-sandbox", "message-service", "notification-service");
        assertThat(services.get("kafka").get("image")).asString().startsWith("apache/kafka:");
        assertThat(environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(services).allSatisfy((name, service) -> assertThat(service).containsKey("healthcheck"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"message-service", "notification-service", "expo-sandbox"})
    void buildsEachServiceFromThisRepository(String service) {
        @SuppressWarnings("unchecked")
        Map<String, Object> build = (Map<String, Object>) services.get(service).get("build");
        @SuppressWarnings("unchecked")
        Map<String, Object> args = (Map<String, Object>) build.get("args");

        assertThat(build.get("context")).isEqualTo(".");
        assertThat(args.get("MODULE")).isEqualTo(service);
        assertThat(ROOT.resolve(service).resolve("pom.xml")).exists();
        assertThat(ROOT.resolve("Dockerfile")).content().contains("-exec.jar").contains("ARG MODULE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"message-service", "notification-service"})
    void startsEachServiceOnlyOnceItsDatabaseAndBrokerAreHealthy(String service) {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> dependsOn =
                (Map<String, Map<String, Object>>) services.get(service).get("depends_on");

        assertThat(dependsOn.get("postgres")).containsEntry("condition", "service_healthy");
        assertThat(dependsOn.get("kafka")).containsEntry("condition", "service_healthy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"message-service", "notification-service"})
    void setsOnlyPropertiesTheServicesRead(String service) {
        assertThat(knownEnvironmentVariables).contains("PUSHPIPE_EXPO_BASE_URL", "PUSHPIPE_OUTBOX_BATCH_SIZE");
        assertThat(environment(service).keySet())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(knownEnvironmentVariables)
                        .as("%s sets %s, which no service property reads", service, name)
                        .contains(name));
    }

    @Test
    void theNotificationServiceCanBeScaledBecauseItHasNoFixedHostPort() {
        @SuppressWarnings("unchecked")
        List<Object> ports = (List<Object>) services.get("notification-service").get("ports");

        assertThat(ports).allSatisfy(port -> assertThat(String.valueOf(port)).doesNotContain(":"));
        assertThat(services.get("notification-service")).doesNotContainKey("container_name");
    }

    @Test
    void theNotificationServiceGoesToTheSandboxUnlessTold() {
        assertThat(environment("notification-service"))
                .containsEntry("PUSHPIPE_EXPO_BASE_URL", "${PUSHPIPE_EXPO_BASE_URL:-http://expo-sandbox:8082}");
    }

    @Test
    void postgresIsNotPublishedToTheHostAndTheSandboxOnlyOnItsLoopback() {
        @SuppressWarnings("unchecked")
        List<Object> sandboxPorts = (List<Object>) services.get("expo-sandbox").get("ports");

        assertThat(services.get("postgres")).doesNotContainKey("ports");
        assertThat(sandboxPorts)
                .isNotEmpty()
                .allSatisfy(port -> assertThat(String.valueOf(port)).startsWith("127.0.0.1:"));
        assertThat(environment("expo-sandbox"))
                .as("inside its container the sandbox must listen beyond loopback, or nothing reaches it")
                .containsEntry("BIND_ADDRESS", "0.0.0.0")
                .containsEntry("RETAINED", 10000);
    }

    @Test
    void theDatabasePasswordIsRequiredFromTheEnvironmentAndWrittenNowhere() throws IOException {
        String required = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD to a strong password of 16+ characters";

        assertThat(String.valueOf(environment("postgres").get("POSTGRES_PASSWORD")))
                .startsWith(required);
        assertThat(List.of("message-service", "notification-service"))
                .allSatisfy(service -> assertThat(
                                String.valueOf(environment(service).get("SPRING_DATASOURCE_PASSWORD")))
                        .startsWith(required));
        assertThat(Files.readString(ROOT.resolve("docker-compose.yml"))).doesNotContainPattern("PASSWORD: *pushpipe");
    }

    @Test
    void postgresRefusesAPasswordShorterThan16CharactersBeforeItStarts() throws Exception {
        @SuppressWarnings("unchecked")
        List<String> entrypoint = (List<String>) services.get("postgres").get("entrypoint");
        assertThat(entrypoint.subList(0, 2)).containsExactly("sh", "-c");
        // Compose turns $$ into $ before the shell sees the script.
        String script = entrypoint.get(2).replace("$$", "$");

        Process shortPassword = shell(script, "pushpipe");
        Process strongPassword = shell(script, "kM3v9Qx2LpW7rT4zNc8Y1s");

        assertThat(shortPassword.waitFor()).isEqualTo(1);
        assertThat(new String(shortPassword.getErrorStream().readAllBytes()))
                .contains("POSTGRES_PASSWORD has 8 characters; use at least 16");
        assertThat(strongPassword.waitFor())
                .as("goes on to PostgreSQL's own entrypoint, absent here")
                .isEqualTo(127);
        assertThat(new String(strongPassword.getErrorStream().readAllBytes())).contains("docker-entrypoint.sh");
    }

    private static Process shell(String script, String password) throws IOException {
        ProcessBuilder shell = new ProcessBuilder("sh", "-c", script);
        shell.environment().put("POSTGRES_PASSWORD", password);
        return shell.start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    /**
     * The environment variables Spring Boot's relaxed binding reads a property from: {@code
     * pushpipe.outbox.batch-size} from {@code PUSHPIPE_OUTBOX_BATCHSIZE} and {@code PUSHPIPE_OUTBOX_BATCH_SIZE}.
     */
    private static List<String> environmentNames(String property) {
        String underscored = property.replace('.', '_').toUpperCase(Locale.ROOT);
        return List.of(underscored.replace("-", ""), underscored.replace('-', '_'));
    }
}
