package io.pushpipe.common;

/** Kafka topic names shared by the services. */
public final class Topics {

    /** {@link MessageSent} events, keyed by receiver id. */
    public static final String MESSAGE_SENT = "message-sent";

    /**
     * Records of {@link #MESSAGE_SENT} that need a human: poison records and permanent failures. Spring
     * Kafka's dead-letter recoverer publishes to {@code <topic>-dlt} on the same partition number.
     */
    public static final String MESSAGE_SENT_DLT = MESSAGE_SENT + "-dlt";

    private Topics() {}
}
