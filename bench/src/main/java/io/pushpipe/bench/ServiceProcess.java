package io.pushpipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One service in its own JVM, as deployed: started from its executable jar, watched for heap and RSS. */
final class ServiceProcess implements AutoCloseable {

    private static final Pattern HEAP_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.E+]+)");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;
    private final String adminToken;
    private final AtomicLong peakHeapBytes = new AtomicLong();
    private double rssAtStop;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "heap-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private ServiceProcess(String name, Process process, int port, String adminToken) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.adminToken = adminToken;
    }

    /** Starts {@code java -jar jar args...}, logging to {@code log}; {@link #awaitReady} waits for it. */
    static ServiceProcess start(
            String name, Path jar, int port, List<String> jvmOptions, List<String> args, Path log, String adminToken) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ServiceProcess(name, process, port, adminToken);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until readiness answers 200, then samples the heap every second. */
    ServiceProcess awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see its log");
            }
            if (status("/actuator/health/readiness") == 200) {
                sampler.scheduleAtFixedRate(this::sampleHeap, 0, 1, TimeUnit.SECONDS);
                return this;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(name + " was not ready within " + timeout);
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The most heap in use seen by the sampler, in MiB. */
    double peakHeapMib() {
        return peakHeapBytes.get() / 1024.0 / 1024.0;
    }

    /** The resident set size's high-water mark (VmHWM), in MiB; 0 where /proc does not tell. */
    double peakRssMib() {
        return process.isAlive() ? highWaterMark() : rssAtStop;
    }

    private double highWaterMark() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    private void sampleHeap() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://localhost:" + port + "/actuator/metrics/jvm.memory.used?tag=area:heap"))
                            .header("Authorization", "Bearer " + adminToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher value = HEAP_VALUE.matcher(response.body());
            if (response.statusCode() == 200 && value.find()) {
                peakHeapBytes.accumulateAndGet((long) Double.parseDouble(value.group(1)), Math::max);
            }
        } catch (IOException e) {
            // The service is busy or stopping; the next sample counts.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** SIGKILL, as a crash or a lost machine ends it: nothing is finished, nobody is told. */
    void kill() {
        sampler.shutdownNow();
        rssAtStop = highWaterMark();
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as an orchestrator stops it: the service finishes its batch first. */
    @Override
    public void close() {
        sampler.shutdownNow();
        if (process.isAlive()) {
            rssAtStop = highWaterMark();
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
