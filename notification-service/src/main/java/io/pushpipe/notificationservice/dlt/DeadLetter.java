package io.pushpipe.notificationservice.dlt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * A record of {@code message-sent-dlt}, as the admin API shows it.
 *
 * @param partition its partition in the DLT
 * @param offset its offset in the DLT
 * @param timestamp when it was dead-lettered
 * @param key its key: the receiver id for events
 * @param eventId the event id header, when the record had one
 * @param messageType the event's message type, when the payload is an event
 * @param receiverId the event's receiver, when the payload is an event
 * @param reason pushpipe's reason code, for example {@code POISON} or {@code INVALID_CREDENTIALS}
 * @param exceptionClass the exception that sent it here
 * @param exceptionMessage that exception's message
 * @param originalTopic the topic it came from, and where it will be replayed to
 * @param originalPartition its partition there
 * @param originalOffset its offset there
 * @param replayed whether it has been replayed already
 * @param headers every header, as text (only when one record is read)
 * @param payload the payload as text (only when one record is read)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DeadLetter(
        int partition,
        long offset,
        Instant timestamp,
        String key,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("message_type") String messageType,
        @JsonProperty("receiver_id") String receiverId,
        String reason,
        @JsonProperty("exception_class") String exceptionClass,
        @JsonProperty("exception_message") String exceptionMessage,
        @JsonProperty("original_topic") String originalTopic,
        @JsonProperty("original_partition") Integer originalPartition,
        @JsonProperty("original_offset") Long originalOffset,
        boolean replayed,
        Map<String, String> headers,
        String payload) {

    DeadLetter withReplayed(boolean replayed) {
        return new DeadLetter(
                partition,
                offset,
                timestamp,
                key,
                eventId,
                messageType,
                receiverId,
                reason,
                exceptionClass,
                exceptionMessage,
                originalTopic,
                originalPartition,
                originalOffset,
                replayed,
                headers,
                payload);
    }
}
