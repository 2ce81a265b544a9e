package io.pushpipe.localstack;

import io.pushpipe.exposandbox.ExpoSandbox;
import io.pushpipe.messageservice.MessageServiceApplication;
import io.pushpipe.notificationservice.NotificationServiceApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The whole pipeline in one JVM with nothing but a JDK: an embedded PostgreSQL whose data survives
 * restarts, an in-process Kafka broker, the Expo sandbox, message-service and notification-service.
 * Started by {@code ./mvnw -pl local-stack -am spring-boot:run}; stopped by Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final Settings settings;
    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private EmbeddedKafkaKraftBroker kafka;
    private ExpoSandbox sandbox;
    private DemoTokens tokens;
    private ConfigurableApplicationContext messageService;
    private ConfigurableApplicationContext notificationService;

    private LocalStack(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        Settings settings = Settings.from(System.getenv());
        Optional<String> busy = settings.firstPortInUse();
        if (busy.isPresent()) {
            System.err.println(busy.get());
            System.exit(1);
        }
        LocalStack stack = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        System.out.println(stack.banner());
    }

    /** Starts everything in dependency order; on failure stops what had started and rethrows. */
    public static LocalStack start(Settings settings) {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        postgres = startPostgres();
        started.add(postgres);
        kafka = new EmbeddedKafkaKraftBroker(1, 12);
        kafka.brokerProperties(Map.of(
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "min.insync.replicas", "1"));
        kafka.afterPropertiesSet();
        started.add(kafka::destroy);
        try {
            sandbox = ExpoSandbox.start(settings.expoSandboxPort());
        } catch (IOException e) {
            throw new UncheckedIOException("the Expo sandbox did not start", e);
        }
        started.add(sandbox);
        messageService = run(MessageServiceApplication.class, "message-service", settings.messageServicePort());
        started.add(messageService);
        notificationService =
                run(NotificationServiceApplication.class, "notification-service", settings.notificationServicePort());
        started.add(notificationService);
        tokens = DemoTokens.issue();
        tokens.writeTo(tokensFile());
    }

    /** The demo tokens as shell exports, to {@code source} before the README's curl commands. */
    public Path tokensFile() {
        return settings.dataDirectory().resolve("tokens.env").toAbsolutePath();
    }

    public DemoTokens tokens() {
        return tokens;
    }

    private EmbeddedPostgres startPostgres() {
        try {
            Path data = settings.dataDirectory().resolve("postgres");
            Files.createDirectories(data.getParent());
            // When run as root, zonky starts PostgreSQL as 'nobody', which must be able to write here.
            Files.setPosixFilePermissions(data.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
            EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
            if (settings.postgresPort() != 0) {
                builder.setPort(settings.postgresPort());
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + settings.dataDirectory(), e);
        }
    }

    private ConfigurableApplicationContext run(Class<?> application, String name, int port) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.name=" + name,
                "--spring.profiles.active=local",
                // The development switch: the demo tokens are signed with the public development secret.
                "--pushpipe.security.allow-development-secret=true",
                // Both services share one logging system: the logger name tells them apart, not the
                // application name, and the in-process broker's own chatter stays out of the way.
                "--logging.include-application-name=false",
                "--logging.level.kafka=warn",
                "--logging.level.org.apache.kafka=warn",
                "--logging.level.state.change.logger=warn",
                "--server.port=" + port,
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString()));
        if (settings.expoBaseUrl().isEmpty()) {
            args.add("--pushpipe.expo.base-url=" + sandbox.baseUrl());
        }
        return new SpringApplicationBuilder(application)
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
    }

    public int messageServicePort() {
        return port(messageService);
    }

    public int notificationServicePort() {
        return port(notificationService);
    }

    public ExpoSandbox sandbox() {
        return sandbox;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    String banner() {
        String messages = "http://localhost:" + messageServicePort();
        String notifications = "http://localhost:" + notificationServicePort();
        String expo = settings.expoBaseUrl().orElse("http://localhost:" + sandbox.port());
        return """

                ==========================================================================
                 pushpipe local stack is up
                   message-service       %s   (API: %s/swagger-ui.html)
                   notification-service  %s   (API: %s/swagger-ui.html)
                   Expo sandbox          %s   <- open it to see the phones
                   PostgreSQL            %s (user postgres), data in %s
                   Kafka                 %s
                 Demo tokens (development secret, valid 30 days), also in %s:
                   export EMPLOYER_TOKEN=%s
                   export CANDIDATE_TOKEN=%s
                   export ADMIN_TOKEN=%s
                 Try it (after: source %s):
                   curl -s %s/push-tokens -H "Authorization: Bearer $CANDIDATE_TOKEN" \\
                     -H 'Content-Type: application/json' \\
                     -d '{"user_id":"%s","expo_token":"ExponentPushToken[demo-candidate-phone]"}'
                   curl -s %s/message/send-message -H "Authorization: Bearer $EMPLOYER_TOKEN" \\
                     -H 'Content-Type: application/json' \\
                     -d '{"sender_id":"%s","receiver_id":"%s","message_type":"zoom_link","content":"Interview on Monday at 10:00"}'
                 Stop with Ctrl-C. Start afresh: rm -rf %s
                ==========================================================================
                """.formatted(
                        messages,
                        messages,
                        notifications,
                        notifications,
                        expo,
                        postgres.getJdbcUrl("postgres", "postgres"),
                        settings.dataDirectory(),
                        kafka.getBrokersAsString(),
                        tokensFile(),
                        tokens.employer(),
                        tokens.candidate(),
                        tokens.admin(),
                        tokensFile(),
                        notifications,
                        DemoUsers.CANDIDATE,
                        messages,
                        DemoUsers.EMPLOYER,
                        DemoUsers.CANDIDATE,
                        settings.dataDirectory());
    }

    /** Stops everything in reverse order: the services finish their work before their servers go. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", started.get(i), e.getMessage());
            }
        }
        started.clear();
    }

    /** The users of the README's demo. */
    static final class DemoUsers {
        static final String EMPLOYER = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32";
        static final String CANDIDATE = "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a43";

        private DemoUsers() {}
    }

    /**
     * Where the stack listens and keeps its data, from environment variables with local defaults.
     *
     * @param messageServicePort {@code PUSHPIPE_LOCAL_MESSAGE_SERVICE_PORT}, default 8080; 0 picks one
     * @param notificationServicePort {@code PUSHPIPE_LOCAL_NOTIFICATION_SERVICE_PORT}, default 8081
     * @param expoSandboxPort {@code PUSHPIPE_LOCAL_EXPO_SANDBOX_PORT}, default 8082
     * @param postgresPort {@code PUSHPIPE_LOCAL_POSTGRES_PORT}, default 15432
     * @param dataDirectory {@code PUSHPIPE_LOCAL_DATA}, default {@code .local-stack} in the working directory
     * @param expoBaseUrl {@code PUSHPIPE_EXPO_BASE_URL}: when set, notifications go there instead of the sandbox
     */
    public record Settings(
            int messageServicePort,
            int notificationServicePort,
            int expoSandboxPort,
            int postgresPort,
            Path dataDirectory,
            Optional<String> expoBaseUrl) {

        /** Free ports everywhere, data in {@code dataDirectory}, notifications to the sandbox: for tests. */
        public static Settings ephemeral(Path dataDirectory) {
            return new Settings(0, 0, 0, 0, dataDirectory, Optional.empty());
        }

        static Settings from(Map<String, String> env) {
            return new Settings(
                    port(env, "PUSHPIPE_LOCAL_MESSAGE_SERVICE_PORT", 8080),
                    port(env, "PUSHPIPE_LOCAL_NOTIFICATION_SERVICE_PORT", 8081),
                    port(env, "PUSHPIPE_LOCAL_EXPO_SANDBOX_PORT", 8082),
                    port(env, "PUSHPIPE_LOCAL_POSTGRES_PORT", 15432),
                    Path.of(env.getOrDefault("PUSHPIPE_LOCAL_DATA", ".local-stack"))
                            .toAbsolutePath(),
                    Optional.ofNullable(env.get("PUSHPIPE_EXPO_BASE_URL")).filter(url -> !url.isBlank()));
        }

        /** A message naming the first fixed port already taken and the variable that moves it. */
        Optional<String> firstPortInUse() {
            Map<String, Integer> ports = new java.util.LinkedHashMap<>();
            ports.put("PUSHPIPE_LOCAL_MESSAGE_SERVICE_PORT", messageServicePort);
            ports.put("PUSHPIPE_LOCAL_NOTIFICATION_SERVICE_PORT", notificationServicePort);
            if (expoBaseUrl.isEmpty()) {
                ports.put("PUSHPIPE_LOCAL_EXPO_SANDBOX_PORT", expoSandboxPort);
            }
            ports.put("PUSHPIPE_LOCAL_POSTGRES_PORT", postgresPort);
            return ports.entrySet().stream()
                    .filter(entry -> entry.getValue() != 0 && !free(entry.getValue()))
                    .findFirst()
                    .map(entry -> "Port " + entry.getValue() + " is already in use. Stop what listens there, or "
                            + "choose another port: " + entry.getKey() + "=" + (entry.getValue() + 1000)
                            + " ./mvnw -pl local-stack -am spring-boot:run");
        }

        private static boolean free(int port) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static int port(Map<String, String> env, String name, int fallback) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
            }
        }
    }
}
