package io.pushpipe.notificationservice.dlt;

/**
 * Why a record is on {@code message-sent-dlt}: the value of its {@code pushpipe-dlt-reason} header, which
 * {@code ./pushpipe-dlt list --reason} and the replay API filter by.
 */
public enum DeadLetterReason {
    /** The record is not a {@code MessageSent} event pushpipe can read. */
    POISON,
    /** The record's event-type header names a type this version does not know. */
    UNKNOWN_EVENT_TYPE,
    /** Expo says the app's FCM or APNs credentials are wrong (a ticket's or a receipt's error). */
    INVALID_CREDENTIALS,
    /** The push is over Expo's 4096 bytes. */
    MESSAGE_TOO_BIG,
    /** Expo's enhanced push security refused pushpipe's access token. */
    EXPO_UNAUTHORIZED,
    /** Expo rejected the request for another reason. */
    EXPO_REJECTED
}
