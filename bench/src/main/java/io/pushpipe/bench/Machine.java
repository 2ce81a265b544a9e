package io.pushpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the figures were measured on: CPU, cores, memory, OS and JDK. */
final class Machine {

    private Machine() {}

    static String describe() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> Math.round(Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB")
                .orElse("unknown memory");
        String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME")
                .map(name -> name.replace("\"", ""))
                .orElse(System.getProperty("os.name"));
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + ", " + os + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; everything (PostgreSQL, Kafka, Expo sandbox, load generator, services) on this one machine";
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(line.contains(":") ? ':' : '=') + 1)
                            .trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
