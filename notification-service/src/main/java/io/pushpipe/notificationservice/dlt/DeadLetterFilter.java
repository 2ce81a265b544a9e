package io.pushpipe.notificationservice.dlt;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Locale;

/**
 * Which dead letters to select; every condition given must hold, none given selects all.
 *
 * @param since dead-lettered at or after this instant
 * @param until dead-lettered before this instant
 * @param reason pushpipe's reason code, exactly
 * @param exception part of the exception class name, case-insensitive
 * @param eventId the event id, exactly
 * @param receiverId the receiver id (the record key), exactly
 */
record DeadLetterFilter(
        Instant since,
        Instant until,
        String reason,
        String exception,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("receiver_id") String receiverId) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null, null);

    boolean matches(DeadLetter record) {
        return (since == null || !record.timestamp().isBefore(since))
                && (until == null || record.timestamp().isBefore(until))
                && (reason == null || reason.equals(record.reason()))
                && (exception == null
                        || (record.exceptionClass() != null
                                && record.exceptionClass()
                                        .toLowerCase(Locale.ROOT)
                                        .contains(exception.toLowerCase(Locale.ROOT))))
                && (eventId == null || eventId.equals(record.eventId()))
                && (receiverId == null || receiverId.equals(record.key()));
    }
}
