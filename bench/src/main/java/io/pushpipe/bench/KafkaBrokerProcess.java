package io.pushpipe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The benchmark's broker: a child JVM running {@link KafkaBroker}, stopped and started on command. */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final String bootstrapServers;

    KafkaBrokerProcess(Path benchJar, int port, Path log) {
        try {
            process = new ProcessBuilder(List.of(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-Xmx768m",
                            "-jar",
                            benchJar.toString(),
                            "kafka-broker",
                            String.valueOf(port)))
                    .redirectError(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "kafka-broker-answers");
        reader.setDaemon(true);
        reader.start();
        String ready = await("READY");
        bootstrapServers = ready.substring("READY ".length());
    }

    long pid() {
        return process.pid();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Shuts the broker down (clients see it gone) and returns once it is. */
    void stop() {
        send("stop");
        await("STOPPED");
    }

    void start() {
        send("start");
        await("STARTED");
    }

    private void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String await(String prefix) {
        try {
            while (true) {
                String answer = answers.poll(120, TimeUnit.SECONDS);
                if (answer == null) {
                    throw new IllegalStateException("the Kafka broker did not answer " + prefix + " in time");
                }
                if (answer.startsWith(prefix)) {
                    return answer;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void readAnswers() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                answers.add(line);
            }
        } catch (IOException e) {
            answers.add("GONE " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
