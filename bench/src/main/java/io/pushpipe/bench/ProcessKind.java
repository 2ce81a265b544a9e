package io.pushpipe.bench;

import java.util.Locale;

/** The kinds of process the benchmark measures: CPU for each, memory for the two services. */
enum ProcessKind {
    MESSAGE_SERVICE,
    NOTIFICATION_SERVICE,
    POSTGRES,
    /** The broker's JVM. */
    KAFKA,
    /** This JVM: the Expo sandbox and the load generator. */
    BENCH;

    /** How figures name it, for example {@code message_service}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
