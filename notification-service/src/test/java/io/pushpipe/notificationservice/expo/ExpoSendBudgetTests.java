package io.pushpipe.notificationservice.expo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushpipe.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowingConsumer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The send budget that every instance of the group books in, on a real PostgreSQL database: requests are
 * spaced evenly under the limit and catch up after a stall, what one instance books the others see, a booking
 * given back frees its share, and a 429 slows the whole group down until the rate creeps back.
 */
class ExpoSendBudgetTests {

    private static final DataSource DATABASE = migratedDatabase("expo_budget_tests");
    private static final JdbcClient JDBC = JdbcClient.create(DATABASE);
    private static final String PROJECT = "@pushpipe/app";

    @BeforeEach
    void forgetBookings() {
        JDBC.sql("truncate expo_sends, expo_projects").update();
    }

    @Test
    void spacesRequestsEvenlyEachByItsShareOfTheWindowAfterTheOneBookedBeforeIt() {
        ExpoSendBudget budget =
                budget(Map.of("pushpipe.expo.pacing.booking-horizon", "2s", "pushpipe.expo.pacing.catch-up", "0ms"));

        budget.book(PROJECT, 100);
        budget.book(PROJECT, 50);
        budget.book(PROJECT, 100);

        assertThat(gapsBetweenStartsMillis())
                .as("100 and 50 of 300 per second and 30 ms: a third and a sixth of 1,030 ms")
                .satisfiesExactly(gap(343.33), gap(171.67));
    }

    @Test
    void afterAStallTheRequestsThatMissedTheirTurnCatchUpAtTwiceThePaceButNeverBeyondWhatTheWindowAllows() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.pacing.booking-horizon", "2s"));
        budget.book(PROJECT, 100);
        JDBC.sql("update expo_sends set starts_at = starts_at - interval '200 ms'")
                .update();
        JDBC.sql("update expo_projects set paced_until = paced_until - interval '200 ms'")
                .update();

        budget.book(PROJECT, 50);
        budget.book(PROJECT, 100);
        ExpoSendBudget.Booking last = budget.book(PROJECT, 100);

        assertThat(gapsBetweenStartsMillis())
                .as("200 ms ago 100 of 300 per second went, and nothing since: at the even pace the next 50"
                        + " would go 143 ms from now and the 100 after them 172 ms later, but they go now and"
                        + " half of 172 ms later, and the last request 250 ms ahead of the pace, 608 ms after the"
                        + " first")
                .satisfies(gaps -> assertThat(gaps.get(1)).isCloseTo(85.83, within(0.01)))
                .satisfies(gaps ->
                        assertThat(gaps.get(0) + gaps.get(1) + gaps.get(2)).isCloseTo(608.33, within(0.01)));
        assertThat(last.granted())
                .as("the 1,030 ms window then holds 250 of 300: room for 50 of the last 100, not more")
                .isEqualTo(50);
    }

    @Test
    void aRequestWhoseTurnHasRoomForOnlyPartOfItGoesInPartAndTheRestWhenTheWindowHasRoom() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.pacing.booking-horizon", "2s"));

        budget.book(PROJECT, 250);
        ExpoSendBudget.Booking part = budget.book(PROJECT, 100);
        ExpoSendBudget.Booking rest = budget.book(PROJECT, 100 - part.granted());

        assertThat(part.granted())
                .as("at its turn (250 ms ahead of the pace, 608 ms after the 250) the window has room for 50 of 300")
                .isEqualTo(50);
        assertThat(rest.granted()).isEqualTo(50);
        assertThat(gapsBetweenStartsMillis())
                .as("the first 50 go at their turn instead of all 100 waiting until the 250 leave the window,"
                        + " and the other 50 go then")
                .satisfiesExactly(gap(608.33), gap(421.67));
    }

    @Test
    void noPartIsSmallerThanTenNotificationsARequestWaitsForTheWindowInstead() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.pacing.booking-horizon", "2s"));

        budget.book(PROJECT, 295);
        ExpoSendBudget.Booking next = budget.book(PROJECT, 100);

        assertThat(next.granted()).isEqualTo(100);
        assertThat(gapsBetweenStartsMillis())
                .as("5 of 300 free at its turn is less than the smallest part: it waits until the 295 leave the"
                        + " 1,030 ms window")
                .satisfiesExactly(gap(1030));
    }

    @Test
    void aRequestThatWouldStartBeyondTheHorizonIsNotBookedAndSaysWhenToAskAgain() {
        ExpoSendBudget budget = budget(Map.of());
        budget.book(PROJECT, 300);

        ExpoSendBudget.Booking next = budget.book(PROJECT, 1);

        assertThat(next.reserved())
                .as("it could start after 1,030 ms, further ahead than the 500 ms horizon")
                .isFalse();
        assertThat(next.waitMillis()).isBetween(300.0, 530.0);
        assertThat(JDBC.sql("select count(*) from expo_sends").query(Long.class).single())
                .isOne();
    }

    @Test
    void instancesShareOneLimitPerProjectAndEachProjectHasItsOwn() {
        ExpoSendBudget one = budget(Map.of("pushpipe.expo.pacing.catch-up", "0ms"));
        ExpoSendBudget other = budget(Map.of("pushpipe.expo.pacing.catch-up", "0ms"));

        one.book(PROJECT, 100);

        assertThat(other.book(PROJECT, 1).waitMillis())
                .as("spaced after the other instance's request")
                .isBetween(300.0, 343.34);
        assertThat(other.book("@pushpipe/project-b", 100).waitMillis()).isLessThan(100);
    }

    @Test
    void aBookingGivenBackLeavesItsShareOfTheLimitToTheNextRequest() {
        ExpoSendBudget budget = budget(Map.of());
        ExpoSendBudget.Booking unused = budget.book(PROJECT, 300);

        budget.giveBack(unused);
        ExpoSendBudget.Booking next = budget.book(PROJECT, 300);

        assertThat(next.reserved()).isTrue();
        assertThat(next.waitMillis()).isLessThan(100);
    }

    @Test
    void a429SlowsTheGroupDownOnceForABurstAndTheRateCreepsBack() {
        ExpoSendBudget budget = budget(Map.of(
                "pushpipe.expo.pacing.recovery",
                "30s",
                "pushpipe.expo.pacing.catch-up",
                "0ms",
                "pushpipe.expo.pacing.booking-horizon",
                "2s"));
        budget.book(PROJECT, 100);

        budget.slowDown(PROJECT);
        budget.slowDown(PROJECT);
        budget.book(PROJECT, 100);
        budget.book(PROJECT, 1);

        assertThat(gapsBetweenStartsMillis())
                .as("the first 100 were booked at 300 per second; after them 90 %% of 300 once, not 81 %%:"
                        + " 100 of 270 per 1,030 ms")
                .satisfiesExactly(gap(343.33), gap(381.48));
        await().atMost(Duration.ofSeconds(8)).until(() -> {
            JDBC.sql("truncate expo_sends").update();
            JDBC.sql("update expo_projects set paced_until = '-infinity'").update();
            budget.book(PROJECT, 100);
            budget.book(PROJECT, 1);
            return gapsBetweenStartsMillis().get(0) < 343.4;
        });
    }

    @Test
    void aBookingThatWaitedForAnotherInstancesLockCountsFromWhenItGotTheLockNotFromWhenItAsked() throws Exception {
        ExpoSendBudget budget = budget(Map.of());
        JDBC.sql("insert into expo_projects (project) values (:project)")
                .param("project", PROJECT)
                .update();
        ExecutorService asking = Executors.newSingleThreadExecutor();
        try {
            LockHeld held = new TransactionTemplate(new DataSourceTransactionManager(DATABASE)).execute(status -> {
                JDBC.sql("select 1 from expo_projects where project = :project for update")
                        .param("project", PROJECT)
                        .query(Integer.class)
                        .single();
                Future<ExpoSendBudget.Booking> booking = asking.submit(() -> budget.book(PROJECT, 100));
                await().atMost(Duration.ofSeconds(10)).until(ExpoSendBudgetTests::aBookingWaitsForALock);
                return new LockHeld(
                        booking,
                        JDBC.sql("select clock_timestamp()")
                                .query(OffsetDateTime.class)
                                .single());
            });
            long booking = held.booking().get(10, TimeUnit.SECONDS).id();

            assertThat(JDBC.sql("select starts_at >= :released from expo_sends where id = :id")
                            .param("released", held.releasedAt())
                            .param("id", booking)
                            .query(Boolean.class)
                            .single())
                    .as("booked to start once the lock was free: a start counted from the moment it asked would"
                            + " already be past when the answer came, and the request would go that much late")
                    .isTrue();
        } finally {
            asking.shutdownNow();
        }
    }

    @Test
    void withoutALimitNothingIsBooked() {
        ExpoSendBudget budget = budget(Map.of("pushpipe.expo.notifications-per-second", "0"));

        budget.acquire(PROJECT, 100, granted -> granted);
        budget.acquire(PROJECT, 100, granted -> granted);

        assertThat(JDBC.sql("select count(*) from expo_sends").query(Long.class).single())
                .isZero();
    }

    /** Whether a connection of the test database waits for a lock (a booking queued behind the row lock). */
    private static boolean aBookingWaitsForALock() {
        return JDBC.sql("select count(*) from pg_stat_activity"
                                + " where datname = current_database() and wait_event_type = 'Lock'")
                        .query(Long.class)
                        .single()
                > 0;
    }

    private record LockHeld(Future<ExpoSendBudget.Booking> booking, OffsetDateTime releasedAt) {}

    /** The milliseconds between each booked start and the next, in the order they start. */
    private static List<Double> gapsBetweenStartsMillis() {
        List<Double> starts = JDBC.sql("select extract(epoch from starts_at) * 1000 from expo_sends order by starts_at")
                .query(Double.class)
                .list();
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            gaps.add(starts.get(i) - starts.get(i - 1));
        }
        return gaps;
    }

    /** A gap of {@code millis}, to a hundredth of a millisecond. */
    private static ThrowingConsumer<Double> gap(double millis) {
        return gap -> assertThat(gap).isCloseTo(millis, within(0.01));
    }

    private static ExpoSendBudget budget(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("pushpipe.expo.notifications-per-second", "300"));
        settings.putAll(overrides);
        ExpoProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("pushpipe.expo", ExpoProperties.class);
        return new ExpoSendBudget(JDBC, properties, new SimpleMeterRegistry());
    }

    /** A new database on the JVM's shared PostgreSQL server with notification-service's migrations applied. */
    static DataSource migratedDatabase(String name) {
        SharedInfrastructure.PostgresServer db = SharedInfrastructure.createDatabase(name);
        Flyway.configure()
                .dataSource(db.jdbcUrl(), db.username(), db.password())
                .schemas("notification")
                .defaultSchema("notification")
                .locations("classpath:db/migration/notification")
                .load()
                .migrate();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=notification";
        return new DriverManagerDataSource(url, db.username(), db.password());
    }
}
