package io.pushpipe.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL and one real Kafka broker per test JVM, started on first use and stopped when the
 * JVM exits, so that Spring's test context cache can reuse contexts across test classes.
 *
 * <p>With a Docker engine they run in Testcontainers; without one, zonky's embedded PostgreSQL and
 * spring-kafka-test's in-process KRaft broker take their place. The system property {@code
 * pushpipe.test.infrastructure} or the environment variable {@code PUSHPIPE_TEST_INFRASTRUCTURE} forces
 * either ({@code embedded} or {@code containers}); the default, {@code auto}, asks Docker.
 */
public final class SharedInfrastructure {

    /** Partitions of topics the broker creates on its own; the services create theirs explicitly. */
    public static final int DEFAULT_PARTITIONS = 12;

    private static final Logger log = LoggerFactory.getLogger(SharedInfrastructure.class);
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static PostgresServer postgres;
    private static String kafkaBootstrapServers;

    private SharedInfrastructure() {}

    /** Registers the shared database and broker as Spring Boot's datasource and Kafka settings. */
    public static void register(DynamicPropertyRegistry registry) {
        registerDatabase(registry, postgres());
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
    }

    /** Registers {@code db} as Spring Boot's datasource. */
    public static void registerDatabase(DynamicPropertyRegistry registry, PostgresServer db) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
    }

    /**
     * Creates a new, empty database on the shared server, for a test whose application must not share
     * tables with the other cached application contexts.
     */
    public static PostgresServer createDatabase(String name) {
        PostgresServer server = postgres();
        try (Connection connection =
                        DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        int slash = server.jdbcUrl().lastIndexOf('/');
        int query = server.jdbcUrl().indexOf('?', slash);
        String url = server.jdbcUrl().substring(0, slash + 1)
                + name
                + (query < 0 ? "" : server.jdbcUrl().substring(query));
        return new PostgresServer(url, server.username(), server.password());
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = useContainers() ? startPostgresContainer() : startEmbeddedPostgres();
        }
        return postgres;
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafkaBootstrapServers == null) {
            kafkaBootstrapServers = useContainers() ? startKafkaContainer() : startEmbeddedKafka();
        }
        return kafkaBootstrapServers;
    }

    /**
     * Starts an in-process KRaft broker that the caller owns and destroys, for tests that stop and restart
     * it on purpose: {@code broker.getCluster().brokers().get(0).shutdown()} and {@code startup()} keep
     * its port and its data.
     */
    public static EmbeddedKafkaKraftBroker startDedicatedKafka() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, DEFAULT_PARTITIONS);
        broker.brokerProperties(Map.of(
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "min.insync.replicas", "1"));
        broker.afterPropertiesSet();
        return broker;
    }

    private static boolean useContainers() {
        String choice = Optional.ofNullable(System.getProperty("pushpipe.test.infrastructure"))
                .or(() -> Optional.ofNullable(System.getenv("PUSHPIPE_TEST_INFRASTRUCTURE")))
                .orElse("auto")
                .toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "embedded" -> false;
            case "containers" -> true;
            case "auto" -> DockerClientFactory.instance().isDockerAvailable();
            default ->
                throw new IllegalArgumentException(
                        "pushpipe.test.infrastructure must be auto, embedded or containers, not '" + choice + "'");
        };
    }

    private static PostgresServer startEmbeddedPostgres() {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(server)));
            String url = server.getJdbcUrl("postgres", "postgres");
            log.info("Embedded PostgreSQL started at {}", url);
            return new PostgresServer(url, "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static PostgresServer startPostgresContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);
        container.start();
        log.info("PostgreSQL container started at {}", container.getJdbcUrl());
        return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    private static String startEmbeddedKafka() {
        EmbeddedKafkaKraftBroker broker = startDedicatedKafka();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        log.info("Embedded Kafka broker started at {}", broker.getBrokersAsString());
        return broker.getBrokersAsString();
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static String startKafkaContainer() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        log.info("Kafka container started at {}", container.getBootstrapServers());
        return container.getBootstrapServers();
    }

    private static void closeQuietly(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    /** How to reach a PostgreSQL server. */
    public record PostgresServer(String jdbcUrl, String username, String password) {}
}
