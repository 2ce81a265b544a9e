package io.pushpipe.messageservice.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** A caller that would wait forever (a lost item) fails the test instead of hanging the build. */
@Timeout(60)
class GroupCommitTests {

    private final CountDownLatch firstWriteMayEnd = new CountDownLatch(1);
    private final List<List<String>> writes = new CopyOnWriteArrayList<>();
    private final Map<String, Throwable> failures = new ConcurrentHashMap<>();
    private final List<Thread> callers = new ArrayList<>();
    private GroupCommit<String> commits;

    @AfterEach
    void close() throws InterruptedException {
        firstWriteMayEnd.countDown();
        for (Thread caller : callers) {
            caller.join(5_000);
        }
        commits.close();
    }

    @Test
    void whatIsHandedInWhileAWriteIsInFlightGoesOutInTheNextWriteTogether() throws Exception {
        commits = new GroupCommit<>("test-writer", 1, 100, recording(batch -> {}));

        handInWhileTheFirstWriteIsInFlight("b", "c", "d", "e");

        assertThat(failures).isEmpty();
        assertThat(writes).hasSize(2);
        assertThat(writes.get(0)).containsExactly("a");
        assertThat(writes.get(1)).containsExactlyInAnyOrder("b", "c", "d", "e");
    }

    @Test
    void aWriteTakesNoMoreThanItsMaximum() throws Exception {
        commits = new GroupCommit<>("test-writer", 1, 2, recording(batch -> {}));

        handInWhileTheFirstWriteIsInFlight("b", "c", "d", "e", "f");

        assertThat(failures).isEmpty();
        assertThat(writes).hasSize(4).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(2));
    }

    @Test
    void anItemTheDatabaseRefusesFailsOnlyItsOwnCaller() throws Exception {
        commits = new GroupCommit<>("test-writer", 1, 100, recording(batch -> {
            if (batch.contains("refused")) {
                throw new DataIntegrityViolationException("violates check constraint");
            }
        }));

        handInWhileTheFirstWriteIsInFlight("b", "refused", "c");

        assertThat(failures).containsOnlyKeys("refused");
        assertThat(failures.get("refused")).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(writes.subList(2, writes.size()))
                .containsExactlyInAnyOrder(List.of("b"), List.of("refused"), List.of("c"));
    }

    @Test
    void anUnreachableDatabaseFailsTheWholeBatchWithoutTryingEachItemAgain() throws Exception {
        commits = new GroupCommit<>("test-writer", 1, 100, recording(batch -> {
            if (batch.size() > 1) {
                throw new CannotGetJdbcConnectionException("Connection refused");
            }
        }));

        handInWhileTheFirstWriteIsInFlight("b", "c", "d");

        assertThat(failures).containsOnlyKeys("b", "c", "d");
        assertThat(failures.values()).allMatch(CannotGetJdbcConnectionException.class::isInstance);
        assertThat(writes).hasSize(2);
    }

    @Test
    void aWriteThatThrowsAnErrorFailsItsCallersAndTheNextWritesStillGo() throws Exception {
        commits = new GroupCommit<>("test-writer", 1, 100, recording(batch -> {
            if (batch.contains("b")) {
                throw new StackOverflowError("simulated");
            }
        }));

        handInWhileTheFirstWriteIsInFlight("b", "c");
        commits.commit("after");

        assertThat(failures).containsOnlyKeys("b", "c");
        assertThat(failures.values()).allMatch(IllegalStateException.class::isInstance);
        assertThat(writes).last().isEqualTo(List.of("after"));
    }

    @Test
    void nothingIsAcceptedOnceClosed() throws InterruptedException {
        commits = new GroupCommit<>("test-writer", 1, 100, recording(batch -> {}));
        commits.close();

        assertThatThrownBy(() -> commits.commit("late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing was stored");
        assertThat(writes).isEmpty();
    }

    /** The write records each batch; the first one ("a") waits until the test lets it end. */
    private Consumer<List<String>> recording(Consumer<List<String>> write) {
        return batch -> {
            writes.add(batch);
            if (batch.contains("a")) {
                awaitQuietly(firstWriteMayEnd);
            }
            write.accept(batch);
        };
    }

    /** Writes "a"; while its write is in flight, hands the items in, each from a caller of its own. */
    private void handInWhileTheFirstWriteIsInFlight(String... items) throws InterruptedException {
        Thread first = caller("a");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writes.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<Thread> waiting = new ArrayList<>();
        for (String item : items) {
            waiting.add(caller(item));
        }
        for (Thread caller : waiting) {
            while (!waitsForItsCommit(caller) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        firstWriteMayEnd.countDown();
        first.join(5_000);
        for (Thread caller : waiting) {
            caller.join(5_000);
        }
    }

    private Thread caller(String item) {
        Thread caller = new Thread(() -> {
            try {
                commits.commit(item);
            } catch (RuntimeException e) {
                failures.put(item, e);
            }
        });
        callers.add(caller);
        caller.start();
        return caller;
    }

    /** Parked in {@code commit}'s wait for its future, so its item is in the queue. */
    private static boolean waitsForItsCommit(Thread caller) {
        Object blocker = LockSupport.getBlocker(caller);
        return caller.getState() == Thread.State.WAITING
                && blocker != null
                && blocker.getClass().getName().startsWith("java.util.concurrent.CompletableFuture");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
