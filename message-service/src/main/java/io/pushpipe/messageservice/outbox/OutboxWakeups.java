package io.pushpipe.messageservice.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Lets the relay sleep until a transaction that wrote outbox rows commits: the {@code outbox_inserted}
 * trigger sends a PostgreSQL NOTIFY, received here on a connection that LISTENs. If that connection
 * fails, waiting falls back to the plain timeout, so the relay degrades to polling, never to silence.
 * Used by the relay's thread only.
 */
@Component
class OutboxWakeups implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxWakeups.class);
    private static final String CHANNEL = "outbox_inserted";

    private final DataSource dataSource;
    private Connection connection;

    OutboxWakeups(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Waits until an insert notification arrives or {@code timeout} has passed.
     *
     * @return true when the caller should look for rows now: a notification arrived, or listening has
     *     just (re)started and rows committed before it would otherwise go unnoticed
     */
    boolean await(Duration timeout) throws InterruptedException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            if (connection == null) {
                listen();
                return true;
            }
            PGNotification[] notifications =
                    connection.unwrap(PGConnection.class).getNotifications(millis);
            return notifications != null && notifications.length > 0;
        } catch (SQLException e) {
            log.warn("Outbox insert notifications unavailable, polling instead: {}", e.getMessage());
            close();
            Thread.sleep(millis);
            return false;
        }
    }

    private void listen() throws SQLException {
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("listen " + CHANNEL);
        }
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
