package io.pushpipe.common;

/** Kafka header names carried by every pushpipe event; values are UTF-8 strings. */
public final class EventHeaders {

    /** The event id, the same as in the payload, so tools can read it without parsing the body. */
    public static final String EVENT_ID = "pushpipe-event-id";

    /** The event type, for example {@link MessageSent#EVENT_TYPE}. */
    public static final String EVENT_TYPE = "pushpipe-event-type";

    /**
     * On records in {@link Topics#MESSAGE_SENT_DLT}: a short reason code saying why the record was
     * dead-lettered, for example {@code POISON} or {@code INVALID_CREDENTIALS}.
     */
    public static final String DLT_REASON = "pushpipe-dlt-reason";

    private EventHeaders() {}
}
