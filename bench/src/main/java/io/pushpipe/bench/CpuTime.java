package io.pushpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** CPU seconds used so far (user + system, from /proc) by the pipeline's processes, grouped by what they are. */
final class CpuTime {

    private static final double TICKS_PER_SECOND = 100;

    private CpuTime() {}

    /** message-service, notification-service (all instances), PostgreSQL, Kafka, and this JVM (sandbox, load). */
    static Map<ProcessKind, Double> snapshot(Pipeline pipeline) {
        Map<ProcessKind, Double> seconds = new EnumMap<>(ProcessKind.class);
        seconds.put(ProcessKind.MESSAGE_SERVICE, of(pipeline.messageService().pid()));
        seconds.put(
                ProcessKind.NOTIFICATION_SERVICE,
                pipeline.notificationServices().stream()
                        .mapToDouble(process -> of(process.pid()))
                        .sum());
        seconds.put(
                ProcessKind.POSTGRES,
                // pg_ctl detaches PostgreSQL from this JVM; it is the only one on the machine.
                ProcessHandle.allProcesses()
                        .filter(process -> process.info()
                                .command()
                                .map(command -> command.endsWith("postgres"))
                                .orElse(false))
                        .mapToDouble(process -> of(process.pid()))
                        .sum());
        seconds.put(ProcessKind.KAFKA, of(pipeline.broker().pid()));
        seconds.put(ProcessKind.BENCH, of(ProcessHandle.current().pid()));
        return seconds;
    }

    private static double of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
