package io.pushpipe.notificationservice.expo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The send budget that every instance of the group books in, on a real PostgreSQL database: what one
 * instance books, the others see; a 429 slows the whole group down, and the rate creeps back.
 */
class ExpoSendBudgetTests {

    private static final JdbcClient JDBC = migratedDatabase("expo_budget_tests");
    private static final String PROJECT = "@pushpipe/app";

    @BeforeEach
    void forgetBookings() {
        JDBC.sql("truncate expo_sends, expo_projects").update();
    }

    @Test
    void booksUntilTheWindowHoldsTheLimitThenTheNextWaitsForTheOldestToLeaveIt() {
        ExpoSendBudget budget = budget(Map.of());

        assertThat(budget.book(PROJECT, 100).reserved()).isTrue();
        assertThat(budget.book(PROJECT, 100).reserved()).isTrue();
        ExpoSendBudget.Booking third = budget.book(PROJECT, 100);
        ExpoSendBudget.Booking fourth = budget.book(PROJECT, 100);

        assertThat(third.reserved()).isTrue();
        assertThat(third.waitMillis()).isLessThan(100);
        assertThat(fourth.reserved())
                .as("the window is a second and 30 ms, further ahead than the 500 ms horizon")
                .isFalse();
        assertThat(fourth.waitMillis()).isBetween(300.0, 530.0);
    }

    @Test
    void instancesShareOneLimitPerProjectAndEachProjectHasItsOwn() {
        ExpoSendBudget one = budget(Map.of());
        ExpoSendBudget other = budget(Map.of());

        one.book(PROJECT, 100);
        one.book(PROJECT, 100);
        other.book(PROJECT, 100);

        assertThat(other.book(PROJECT, 1).reserved()).isFalse();
        assertThat(other.book("@pushpipe/project-b", 100).reserved()).isTrue();
    }

    @Test
    void aBookingCanStartAheadWithinTheHorizonAndKeepsTheOrderOfBookings() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.pacing.booking-horizon", "2s"));
        budget.book(PROJECT, 300);

        ExpoSendBudget.Booking next = budget.book(PROJECT, 100);
        ExpoSendBudget.Booking after = budget.book(PROJECT, 1);

        assertThat(next.reserved()).isTrue();
        assertThat(next.waitMillis()).isBetween(900.0, 1030.0);
        assertThat(after.reserved()).isTrue();
        assertThat(JDBC.sql("select notifications from expo_sends order by starts_at, notifications desc")
                        .query(Integer.class)
                        .list())
                .as("the small request fits the window at once, but starts no earlier than the one booked before it")
                .containsExactly(300, 100, 1);
    }

    @Test
    void a429LowersTheGroupsRateOnceForABurstAndTheRateCreepsBack() {
        // A long window, so that only the recovery can make room again while the test runs.
        ExpoSendBudget budget =
                budget(Map.of("pushpipe.expo.pacing.margin", "10s", "pushpipe.expo.pacing.recovery", "30s"));
        budget.book(PROJECT, 1);

        budget.slowDown(PROJECT);
        budget.slowDown(PROJECT);

        assertThat(budget.book(PROJECT, 200).reserved())
                .as("90 %% of 300 admits 270")
                .isTrue();
        assertThat(budget.book(PROJECT, 90).reserved()).isFalse();
        await().atMost(Duration.ofSeconds(8))
                .until(() -> budget.book(PROJECT, 90).reserved());
    }

    @Test
    void withoutALimitNothingIsBooked() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.notifications-per-second", "0"));

        budget.acquire(PROJECT, 100);
        budget.acquire(PROJECT, 100);

        assertThat(JDBC.sql("select count(*) from expo_sends").query(Long.class).single())
                .isZero();
    }

    private static ExpoSendBudget budget(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("pushpipe.expo.notifications-per-second", "300"));
        settings.putAll(overrides);
        ExpoProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("pushpipe.expo", ExpoProperties.class);
        return new ExpoSendBudget(JDBC, properties, new SimpleMeterRegistry());
    }

    /** A new database on the JVM's shared PostgreSQL server with notification-service's migrations applied. */
    static JdbcClient migratedDatabase(String name) {
        SharedInfrastructure.PostgresServer db = SharedInfrastructure.createDatabase(name);
        Flyway.configure()
                .dataSource(db.jdbcUrl(), db.username(), db.password())
                .schemas("notification")
                .defaultSchema("notification")
                .locations("classpath:db/migration/notification")
                .load()
                .migrate();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=notification";
        return JdbcClient.create(new DriverManagerDataSource(url, db.username(), db.password()));
    }
}
