package io.pushpipe.messageservice.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.stereotype.Component;

/**
 * Lets the relay sleep until a transaction that wrote outbox rows commits: the {@code outbox_inserted}
 * trigger sends a PostgreSQL NOTIFY, received here on a connection that LISTENs ({@code
 * pushpipe.outbox.listen-url}, or one of the pool's).
 *
 * <p>On starting to listen it sends a probe notification through the pool and waits for it: behind a
 * transaction-mode pooler (PgBouncer, Supavisor) none arrives, because the LISTEN stays on a server
 * connection the pooler has handed to someone else. Then, and whenever the listening connection fails, the
 * relay polls instead, never goes silent, and tries listening again: a minute after a probe that did not
 * arrive, at the next wait after a connection that failed. Used by the relay's thread only.
 */
@Component
class OutboxWakeups implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxWakeups.class);
    private static final String CHANNEL = "outbox_inserted";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LISTEN_RETRY = Duration.ofMinutes(1);

    private final DataSource dataSource;
    private final JdbcConnectionDetails database;
    private final OutboxProperties settings;
    private Connection connection;
    private long nextListenAttempt = System.nanoTime();
    private volatile boolean arriving;

    OutboxWakeups(DataSource dataSource, JdbcConnectionDetails database, OutboxProperties settings) {
        this.dataSource = dataSource;
        this.database = database;
        this.settings = settings;
    }

    /**
     * Waits until an insert notification arrives or {@code timeout} has passed.
     *
     * @return true when the caller should look for rows now: a notification arrived, or listening has
     *     just (re)started and rows committed before it would otherwise go unnoticed
     */
    boolean await(Duration timeout) throws InterruptedException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (connection == null) {
            if (System.nanoTime() - nextListenAttempt >= 0 && listen()) {
                return true;
            }
            Thread.sleep(millis);
            return false;
        }
        try {
            PGNotification[] notifications =
                    connection.unwrap(PGConnection.class).getNotifications(millis);
            return notifications != null && notifications.length > 0;
        } catch (SQLException e) {
            log.warn("Outbox insert notifications unavailable, polling instead: {}", e.getMessage());
            stopListening(Duration.ZERO);
            Thread.sleep(millis);
            return false;
        }
    }

    /** Whether insert notifications wake the relay; false while it polls. */
    boolean notificationsArrive() {
        return arriving;
    }

    private boolean listen() throws InterruptedException {
        try {
            connection = settings.listenUrl().isEmpty()
                    ? dataSource.getConnection()
                    : DriverManager.getConnection(settings.listenUrl(), database.getUsername(), database.getPassword());
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("listen " + CHANNEL);
            }
            if (probeArrives()) {
                arriving = true;
                return true;
            }
            log.warn(
                    "Outbox insert notifications do not arrive (is spring.datasource.url a transaction-mode pooler?):"
                            + " the relay polls every {} ms. Set pushpipe.outbox.listen-url to a direct connection"
                            + " to be woken at once",
                    settings.pollInterval().toMillis());
            stopListening(LISTEN_RETRY);
        } catch (SQLException e) {
            log.warn("Outbox insert notifications unavailable, polling instead: {}", e.getMessage());
            stopListening(Duration.ZERO);
        }
        return false;
    }

    /** Sends a notification through the pool, as the outbox trigger does, and waits for it to arrive here. */
    private boolean probeArrives() throws SQLException, InterruptedException {
        String probe = "probe " + UUID.randomUUID();
        try (Connection other = dataSource.getConnection();
                PreparedStatement notify = other.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, probe);
            notify.execute();
        }
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        PGConnection listening = connection.unwrap(PGConnection.class);
        for (long left = PROBE_TIMEOUT.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            PGNotification[] notifications = listening.getNotifications((int) left);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    if (probe.equals(notification.getParameter())) {
                        return true;
                    }
                }
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return false;
    }

    private void stopListening(Duration retryIn) {
        arriving = false;
        nextListenAttempt = System.nanoTime() + retryIn.toNanos();
        close();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the outbox listen connection failed", e);
            }
            connection = null;
        }
    }
}
