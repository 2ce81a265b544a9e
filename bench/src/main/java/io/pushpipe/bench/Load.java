package io.pushpipe.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The portal: posts messages closed-loop (a fixed number of clients) or open-loop (a fixed rate). */
final class Load {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final Pipeline pipeline;
    private final URI sendMessage;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Posts to the pipeline's message-service. */
    Load(Pipeline pipeline) {
        this(pipeline, pipeline.messageService());
    }

    /** Posts to {@code api}, which takes message-service's request: the naive design's server. */
    Load(Pipeline pipeline, ServiceProcess api) {
        this.pipeline = pipeline;
        this.sendMessage = URI.create("http://localhost:" + api.port() + "/message/send-message");
    }

    /** What a load run did: POST latencies, when each accepted message was posted, notifications expected. */
    static final class Outcome {
        final ConcurrentLinkedQueue<Double> postMillis = new ConcurrentLinkedQueue<>();
        final Map<String, Instant> postedAt = new ConcurrentHashMap<>();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong expectedNotifications = new AtomicLong();
        double seconds;

        double requestsPerSecond() {
            return accepted.get() / seconds;
        }
    }

    /** {@code clients} threads each post as fast as answers come back, for {@code duration}. */
    Outcome closedLoop(int clients, Duration duration, long seed) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        return closedLoop(clients, seed, i -> System.nanoTime() < deadline);
    }

    /** {@code clients} threads each post as fast as answers come back, {@code messages} in all. */
    Outcome closedLoop(int clients, int messages, long seed) throws InterruptedException {
        return closedLoop(clients, seed, i -> i < messages);
    }

    /** Each thread posts the next message while {@code posts} allows that message's number. */
    private Outcome closedLoop(int clients, long seed, LongPredicate posts) throws InterruptedException {
        Outcome outcome = new Outcome();
        AtomicLong counter = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Random random = new Random(seed + c);
            Thread thread = new Thread(() -> {
                for (long i = counter.getAndIncrement(); posts.test(i); i = counter.getAndIncrement()) {
                    post(pipeline.message(i, random), outcome);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        outcome.seconds = (System.nanoTime() - start) / 1e9;
        return outcome;
    }

    /**
     * Posts at {@code perSecond} for {@code duration}, whatever the answers take (open loop); {@code
     * atSecond} runs once the given second of the run has started (the recovery scenario's outage).
     */
    Outcome openLoop(int perSecond, Duration duration, long seed, Map<Integer, Runnable> atSecond) {
        Outcome outcome = new Outcome();
        Random random = new Random(seed);
        long total = perSecond * duration.toSeconds();
        long start = System.nanoTime();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        int nextSecond = 0;
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int second = (int) ((System.nanoTime() - start) / TimeUnit.SECONDS.toNanos(1));
            while (nextSecond <= second) {
                Runnable action = atSecond.get(nextSecond++);
                if (action != null) {
                    action.run();
                }
            }
            inFlight.add(postAsync(pipeline.message(i, random), outcome));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        outcome.seconds = (System.nanoTime() - start) / 1e9;
        return outcome;
    }

    private void post(Pipeline.Message message, Outcome outcome) {
        Instant postedAt = Instant.now();
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request(message), HttpResponse.BodyHandlers.ofString());
            record(message, outcome, postedAt, started, response);
        } catch (IOException e) {
            outcome.refused.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> postAsync(Pipeline.Message message, Outcome outcome) {
        Instant postedAt = Instant.now();
        long started = System.nanoTime();
        return http.sendAsync(request(message), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        outcome.refused.incrementAndGet();
                    } else {
                        record(message, outcome, postedAt, started, response);
                    }
                    return null;
                });
    }

    private void record(
            Pipeline.Message message, Outcome outcome, Instant postedAt, long started, HttpResponse<String> response) {
        outcome.postMillis.add((System.nanoTime() - started) / 1e6);
        Matcher id = ID.matcher(response.body());
        if (response.statusCode() == 201 && id.find()) {
            outcome.accepted.incrementAndGet();
            outcome.postedAt.put(id.group(1), postedAt);
            outcome.expectedNotifications.addAndGet(pipeline.devicesOf(message.receiver()));
        } else {
            outcome.refused.incrementAndGet();
        }
    }

    private HttpRequest request(Pipeline.Message message) {
        return HttpRequest.newBuilder(sendMessage)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Pipeline.ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(message.json()))
                .build();
    }
}
