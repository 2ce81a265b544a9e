package io.pushpipe.testsupport;

import io.pushpipe.testsupport.SharedInfrastructure.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Debian's PgBouncer ({@code apt-get install pgbouncer}; {@code .ci/run} installs it) in <b>transaction</b>
 * mode in front of one database, as Supabase's Supavisor on port 6543 runs: each transaction may run on
 * another server connection, so session state (LISTEN, prepared statements, SET) does not carry over.
 */
public final class PgBouncer implements AutoCloseable {

    /** Where Debian's package installs it. */
    public static final Path EXECUTABLE = Path.of("/usr/sbin/pgbouncer");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path directory;
    private final int port;
    private final PostgresServer direct;
    private final String database;

    private PgBouncer(Process process, Path directory, int port, PostgresServer direct, String database) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.direct = direct;
        this.database = database;
    }

    public static boolean installed() {
        return Files.isExecutable(EXECUTABLE);
    }

    /**
     * Creates a database on the shared server and starts a pooler in front of it, set up as the README tells
     * a deployment to: the service's schema on its role's search path, since a session's {@code SET} does
     * not survive transaction pooling.
     */
    public static PgBouncer inFrontOfNewDatabase(String name, String schema, int poolSize) {
        PostgresServer direct = SharedInfrastructure.createDatabase(name);
        try (Connection connection =
                        DriverManager.getConnection(direct.jdbcUrl(), direct.username(), direct.password());
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "alter role " + direct.username() + " in database " + name + " set search_path = " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the search path in " + name, e);
        }
        return start(direct, poolSize);
    }

    /**
     * Points Spring Boot's datasource at the pooler and Flyway at the direct connection, as the README
     * tells a deployment behind a transaction-mode pooler to.
     */
    public void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", this::jdbcUrl);
        registry.add("spring.datasource.username", direct::username);
        registry.add("spring.datasource.password", direct::password);
        registry.add("spring.flyway.url", direct::jdbcUrl);
        registry.add("spring.flyway.user", direct::username);
        registry.add("spring.flyway.password", direct::password);
    }

    /** The database behind the pooler, reached directly. */
    public PostgresServer direct() {
        return direct;
    }

    /**
     * Starts a pooler in transaction mode with {@code poolSize} server connections to {@code db}, accepting
     * {@code db}'s user and password.
     */
    private static PgBouncer start(PostgresServer db, int poolSize) {
        URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        String database = target.getPath().substring(1);
        try {
            Path directory = Files.createTempDirectory(
                    "pgbouncer", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
            int port = freePort();
            Files.writeString(
                    directory.resolve("users.txt"), "\"%s\" \"%s\"%n".formatted(db.username(), db.password()));
            Path config = directory.resolve("pgbouncer.ini");
            Files.writeString(config, """
                    [databases]
                    %1$s = host=%2$s port=%3$d dbname=%1$s

                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %4$d
                    unix_socket_dir =
                    auth_type = plain
                    auth_file = %5$s
                    pool_mode = transaction
                    default_pool_size = %6$d
                    max_client_conn = 200
                    ignore_startup_parameters = extra_float_digits
                    logfile = %7$s
                    pidfile = %8$s
                    """.formatted(
                            database,
                            target.getHost(),
                            target.getPort(),
                            port,
                            directory.resolve("users.txt"),
                            poolSize,
                            directory.resolve("pgbouncer.log"),
                            directory.resolve("pgbouncer.pid")));
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // PgBouncer refuses to run as root; Debian's package creates the postgres user. setpriv execs,
                // so destroying the process stops PgBouncer itself.
                command.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
            }
            command.addAll(List.of(EXECUTABLE.toString(), config.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("pgbouncer.out").toFile())
                    .start();
            PgBouncer pooler = new PgBouncer(process, directory, port, db, database);
            pooler.awaitListening();
            return pooler;
        } catch (IOException e) {
            throw new UncheckedIOException("PgBouncer did not start", e);
        }
    }

    /** The pooler's JDBC URL: prepared statements off, as a transaction-mode pooler needs. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "PgBouncer exited: " + Files.readString(directory.resolve("pgbouncer.out")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        close();
        throw new IllegalStateException("PgBouncer did not listen within " + START_TIMEOUT.toSeconds() + " s");
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while PgBouncer starts", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops PgBouncer and removes its configuration and logs. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + directory, e);
        }
    }
}
