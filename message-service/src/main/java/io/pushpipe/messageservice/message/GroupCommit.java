package io.pushpipe.messageservice.message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Group commit: the items that concurrent callers hand in while a write is in flight go out together in the
 * next write, one transaction for all of them instead of one each. A caller waits until its item is
 * committed or has failed. Nothing waits to fill a batch: an item handed in while a writer is free is
 * written at once, alone.
 *
 * <p>When a write of several items fails, each is written again alone, so an item the database refuses
 * fails only its own caller. When the database cannot be reached at all, every item of the batch fails at
 * once, without a second attempt each.
 *
 * @param <T> what one caller writes
 */
final class GroupCommit<T> implements AutoCloseable {

    private static final long POLL_MILLIS = 100;

    private final BlockingQueue<Waiting<T>> waiting = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> write;
    private final int maxBatch;
    private final ExecutorService writers;
    private volatile boolean open = true;

    /**
     * @param name the writer threads' name prefix
     * @param writersInFlight how many writes may run at once
     * @param maxBatch the most items one write takes
     * @param write writes the items in one transaction, or throws
     */
    GroupCommit(String name, int writersInFlight, int maxBatch, Consumer<List<T>> write) {
        this.write = write;
        this.maxBatch = maxBatch;
        CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-");
        threads.setDaemon(true);
        this.writers = Executors.newFixedThreadPool(writersInFlight, threads);
        for (int i = 0; i < writersInFlight; i++) {
            writers.execute(this::writeWhileOpen);
        }
    }

    /**
     * Writes the item with whatever else is waiting, and returns once it is committed.
     *
     * @throws RuntimeException what the write threw for this item
     */
    void commit(T item) {
        Waiting<T> mine = new Waiting<>(item, new CompletableFuture<>());
        waiting.add(mine);
        if (!open && waiting.remove(mine)) {
            throw new IllegalStateException("The service is shutting down; nothing was stored.");
        }
        try {
            mine.committed().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Stops the writers once their writes in flight end; items still waiting fail. */
    @Override
    public void close() throws InterruptedException {
        open = false;
        writers.shutdown();
        writers.awaitTermination(10, TimeUnit.SECONDS);
        List<Waiting<T>> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(item -> item.committed()
                .completeExceptionally(
                        new IllegalStateException("The service shut down before the write; nothing was stored.")));
    }

    private void writeWhileOpen() {
        List<Waiting<T>> batch = new ArrayList<>(maxBatch);
        try {
            while (open) {
                Waiting<T> first = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    waiting.drainTo(batch, maxBatch - 1);
                    write(batch);
                    batch.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // No caller of the batch is left waiting; the thread dies with the error (its handler logs it) and
            // another takes its place.
            for (Waiting<T> item : batch) {
                if (!item.committed().isDone()) {
                    item.committed()
                            .completeExceptionally(
                                    new IllegalStateException("The write failed unexpectedly; nothing was stored."));
                }
            }
            if (open) {
                writers.execute(this::writeWhileOpen);
            }
            throw e;
        }
    }

    private void write(List<Waiting<T>> batch) {
        try {
            write.accept(batch.stream().map(Waiting::item).toList());
            batch.forEach(item -> item.committed().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || unreachable(e)) {
                batch.forEach(item -> item.committed().completeExceptionally(e));
            } else {
                batch.forEach(item -> write(List.of(item)));
            }
        }
    }

    private static boolean unreachable(RuntimeException e) {
        return e instanceof DataAccessResourceFailureException || e instanceof CannotCreateTransactionException;
    }

    private record Waiting<T>(T item, CompletableFuture<Void> committed) {}
}
