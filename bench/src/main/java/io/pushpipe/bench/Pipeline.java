package io.pushpipe.bench;

import io.pushpipe.common.EventHeaders;
import io.pushpipe.common.MessageSent;
import io.pushpipe.common.MessageSentCodec;
import io.pushpipe.common.MessageType;
import io.pushpipe.common.Topics;
import io.pushpipe.exposandbox.ExpoSandbox;
import io.pushpipe.security.DevelopmentTokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.util.FileSystemUtils;

/**
 * The pipeline under test: PostgreSQL (zonky's server), Kafka and the Expo sandbox, message-service and any
 * number of notification-service instances each in its own JVM, and the candidates with their devices (1 or
 * 2 each); for one scenario also the naive design's server in its own JVM. As production runs it, Kafka is a
 * broker process of its own (Kafka's own classes, {@link KafkaBrokerProcess}), which the chaos run stops and
 * starts, and PostgreSQL can be restarted on the same data.
 */
final class Pipeline implements AutoCloseable {

    static final String ADMIN_TOKEN = DevelopmentTokens.serviceRole(Duration.ofDays(1));
    private static final MessageType[] TYPES = MessageType.values();
    /**
     * Devices per candidate, at most: 1 or 2, 1.5 on average, so that 300 messages a second are 450 pushes, under
     * Expo's 600 a second, and the scenarios in the default configuration measure pushpipe, not Expo's limit.
     */
    static final int MAX_DEVICES = 2;

    private final Path jars;
    private final Path logs;
    private final boolean profile;
    private final Path postgresData;
    private final int postgresPort;
    private EmbeddedPostgres postgres;
    private final KafkaBrokerProcess brokerProcess;
    private final ExpoSandbox expo;
    private final List<UUID> candidates = new ArrayList<>();
    private final Map<UUID, Integer> devices = new java.util.HashMap<>();
    private final List<UUID> employers = new ArrayList<>();
    private final List<ServiceProcess> notificationServices = new ArrayList<>();
    private final List<ServiceProcess> stopped = new ArrayList<>();
    private ServiceProcess messageService;
    private ServiceProcess naiveDesign;
    private int started;

    /** @param profile whether every service JVM records a JFR profile */
    Pipeline(Path jars, Path logs, boolean profile) throws IOException {
        this.jars = jars;
        this.logs = logs;
        this.profile = profile;
        Files.createDirectories(logs);
        this.postgresData = Files.createTempDirectory("pushpipe-bench-pg");
        this.postgresPort = freePort();
        this.postgres = startPostgres();
        this.brokerProcess = new KafkaBrokerProcess(
                jars.resolve("bench/target/bench-0.1.0-SNAPSHOT-exec.jar"), freePort(), logs.resolve("kafka.log"));
        // Keeps every notification: the figures count and time all of a run's.
        this.expo = ExpoSandbox.start(0, Integer.MAX_VALUE);
        expo.rateLimitPerSecond(0);
    }

    ExpoSandbox expo() {
        return expo;
    }

    /** The broker, to stop and start. */
    KafkaBrokerProcess broker() {
        return brokerProcess;
    }

    /** Stops PostgreSQL (every connection breaks) and starts it again on the same data and port. */
    void restartPostgres() throws IOException {
        postgres.close();
        postgres = startPostgres();
    }

    /** As deployed: a commit waits for the WAL flush (zonky's default turns that off). */
    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(postgresData)
                .setCleanDataDirectory(false)
                .setPort(postgresPort)
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    private String bootstrapServers() {
        return brokerProcess.bootstrapServers();
    }

    ServiceProcess messageService() {
        return messageService;
    }

    List<ServiceProcess> notificationServices() {
        return List.copyOf(notificationServices);
    }

    /** Every process that has run, for the memory figures: the running and the stopped ones. */
    List<ServiceProcess> allProcesses() {
        List<ServiceProcess> all = new ArrayList<>(stopped);
        if (messageService != null) {
            all.add(messageService);
        }
        all.addAll(notificationServices);
        return all;
    }

    void startMessageService() {
        messageService = ServiceProcess.start(
                        "message-service",
                        jar("message-service"),
                        freePort(),
                        jvmOptions("message-service"),
                        common("message-service"),
                        logs.resolve("message-service.log"),
                        ADMIN_TOKEN)
                .awaitReady(Duration.ofSeconds(120));
    }

    /**
     * Starts the naive design's server in its own JVM, on the same PostgreSQL (it reads notification-service's
     * tokens) and the same sandbox; {@link #stopNaiveDesign} stops it. Not among {@link #allProcesses}: the
     * memory figures are pushpipe's.
     */
    ServiceProcess startNaiveDesign() {
        List<String> args = new ArrayList<>(common("naive-design"));
        args.add("--pushpipe.expo.base-url=" + expo.baseUrl());
        naiveDesign = ServiceProcess.start(
                "naive-design",
                jar("naive-design"),
                freePort(),
                jvmOptions("naive-design"),
                args,
                logs.resolve("naive-design.log"),
                ADMIN_TOKEN);
        return naiveDesign.awaitReady(Duration.ofSeconds(120));
    }

    void stopNaiveDesign() {
        if (naiveDesign != null) {
            naiveDesign.close();
            naiveDesign = null;
        }
    }

    /**
     * Starts {@code count} notification-service instances at once.
     *
     * @param notificationsPerSecond the client rate limit of each instance
     */
    void startNotificationServices(int count, int notificationsPerSecond) {
        startNotificationServices(count, List.of("--pushpipe.expo.notifications-per-second=" + notificationsPerSecond));
    }

    /** Starts {@code count} notification-service instances at once, in their default configuration. */
    void startNotificationServices(int count) {
        startNotificationServices(count, List.of());
    }

    private void startNotificationServices(int count, List<String> settings) {
        List<ServiceProcess> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started++;
            List<String> args = new ArrayList<>(common("notification-service"));
            args.add("--pushpipe.expo.base-url=" + expo.baseUrl());
            args.addAll(settings);
            starting.add(ServiceProcess.start(
                    "notification-service-" + started,
                    jar("notification-service"),
                    freePort(),
                    jvmOptions("notification-service-" + started),
                    args,
                    logs.resolve("notification-service-" + started + ".log"),
                    ADMIN_TOKEN));
        }
        starting.forEach(process -> process.awaitReady(Duration.ofSeconds(120)));
        notificationServices.addAll(starting);
    }

    void stopNotificationServices() {
        notificationServices.forEach(ServiceProcess::close);
        stopped.addAll(notificationServices);
        notificationServices.clear();
    }

    /** Registers the candidates' devices straight in the database: 1 to {@link #MAX_DEVICES} per candidate. */
    void seedCandidates(int count, long seed) throws SQLException {
        seedCandidates(count, seed, MAX_DEVICES);
    }

    /** Registers the candidates' devices straight in the database: 1 to {@code maxDevices} per candidate. */
    void seedCandidates(int count, long seed, int maxDevices) throws SQLException {
        Random random = new Random(seed);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into notification.push_tokens (user_id, expo_token, platform) values (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                UUID candidate = new UUID(seed, i);
                int owned = 1 + random.nextInt(maxDevices);
                for (int d = 0; d < owned; d++) {
                    insert.setObject(1, candidate);
                    insert.setString(2, "ExponentPushToken[bench-" + i + "-" + d + "]");
                    insert.setString(3, d % 2 == 0 ? "ios" : "android");
                    insert.addBatch();
                }
                candidates.add(candidate);
                devices.put(candidate, owned);
            }
            insert.executeBatch();
        }
        for (int i = 0; i < 100; i++) {
            employers.add(new UUID(seed + 1, i));
        }
    }

    /** The i-th message of a scenario: a candidate and a type that every scenario cycles the same way. */
    Message message(long i, Random random) {
        UUID receiver = candidates.get(random.nextInt(candidates.size()));
        return new Message(
                employers.get(random.nextInt(employers.size())),
                receiver,
                TYPES[(int) (i % TYPES.length)],
                "Benchmark message " + i + ": your interview is on Monday at 10:00, see you there.");
    }

    int devicesOf(UUID candidate) {
        return devices.get(candidate);
    }

    /**
     * Publishes {@code count} events straight to {@code message-sent}, as the relay would have, and returns
     * how many notifications they make.
     */
    long publishBacklog(int count, long seed) {
        Random random = new Random(seed);
        long notifications = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.ACKS_CONFIG,
                "all"))) {
            for (int i = 0; i < count; i++) {
                Message message = message(i, random);
                MessageSent event = MessageSent.of(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        message.sender(),
                        message.receiver(),
                        message.type(),
                        message.content(),
                        Instant.now());
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                        Topics.MESSAGE_SENT, event.receiverId().toString(), MessageSentCodec.encode(event));
                record.headers()
                        .add(EventHeaders.EVENT_ID, event.eventId().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add(EventHeaders.EVENT_TYPE, MessageSent.EVENT_TYPE.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
                notifications += devicesOf(message.receiver());
            }
            producer.flush();
        }
        return notifications;
    }

    private List<String> jvmOptions(String name) {
        List<String> options = new ArrayList<>(List.of("-Xmx512m"));
        if (profile) {
            options.add(
                    "-XX:StartFlightRecording=dumponexit=true,settings=profile,jdk.ExecutionSample#period=2ms,filename="
                            + logs.resolve(name + ".jfr"));
        }
        return options;
    }

    private List<String> common(String service) {
        return List.of(
                "--spring.profiles.active=local",
                "--pushpipe.security.allow-development-secret=true",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--logging.level.org.apache.kafka=warn",
                "--spring.application.name=" + service);
    }

    private Path jar(String module) {
        Path jar = jars.resolve(module + "/target/" + module + "-0.1.0-SNAPSHOT-exec.jar");
        if (!jar.toFile().isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./pushpipe-bench, which builds it");
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stopNaiveDesign();
        stopNotificationServices();
        if (messageService != null) {
            messageService.close();
        }
        expo.close();
        brokerProcess.close();
        try {
            postgres.close();
            FileSystemUtils.deleteRecursively(postgresData);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the portal posts. */
    record Message(UUID sender, UUID receiver, MessageType type, String content) {

        String json() {
            return "{\"sender_id\":\"" + sender + "\",\"receiver_id\":\"" + receiver + "\",\"message_type\":\""
                    + type.wireName() + "\",\"content\":\"" + content + "\"}";
        }
    }
}
