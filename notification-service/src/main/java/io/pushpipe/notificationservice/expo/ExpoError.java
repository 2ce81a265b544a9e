package io.pushpipe.notificationservice.expo;

import io.pushpipe.notificationservice.dlt.DeadLetterReason;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every way a push can fail, with what it means for pushpipe: Expo's ticket and receipt errors, its request
 * errors, and the client's own codes for Expo being unreachable. Every decision about a failure (retried,
 * given up, token deactivated, device throttled, event dead-lettered) reads it here.
 */
public enum ExpoError {
    DEVICE_NOT_REGISTERED("DeviceNotRegistered", Handling.DEACTIVATE_TOKEN, null),
    MESSAGE_RATE_EXCEEDED("MessageRateExceeded", Handling.THROTTLE_DEVICE, null),
    MESSAGE_TOO_BIG("MessageTooBig", Handling.DEAD_LETTER, DeadLetterReason.MESSAGE_TOO_BIG),
    INVALID_CREDENTIALS("InvalidCredentials", Handling.DEAD_LETTER, DeadLetterReason.INVALID_CREDENTIALS),
    MISMATCH_SENDER_ID("MismatchSenderId", Handling.DEAD_LETTER, DeadLetterReason.INVALID_CREDENTIALS),
    UNAUTHORIZED("UNAUTHORIZED", Handling.DEAD_LETTER, DeadLetterReason.EXPO_UNAUTHORIZED),
    /** A request mixing Expo projects; the client splits it, so this is left only when it cannot. */
    TOO_MANY_EXPERIENCE_IDS("PUSH_TOO_MANY_EXPERIENCE_IDS", Handling.DEAD_LETTER, DeadLetterReason.EXPO_REJECTED),
    /** The circuit breaker refused the call: nothing was sent, nothing counts as an attempt. */
    CIRCUIT_OPEN("CIRCUIT_OPEN", Handling.NOT_ATTEMPTED, null),
    /** The batch's time budget was used up before the request could start: nothing was sent. */
    NOT_SENT("NOT_SENT", Handling.NOT_ATTEMPTED, null),
    /** Expo kept answering 429, 5xx, garbage or nothing, through every retry. */
    EXPO_UNAVAILABLE("EXPO_UNAVAILABLE", Handling.RETRY_LATER, null),
    /** Any other code Expo answers: a request or ticket error a person must look at. */
    OTHER(null, Handling.DEAD_LETTER, DeadLetterReason.EXPO_REJECTED);

    private static final Map<String, ExpoError> BY_CODE = Arrays.stream(values())
            .filter(error -> error.code != null)
            .collect(Collectors.toUnmodifiableMap(error -> error.code, Function.identity()));

    private final String code;
    private final Handling handling;
    private final DeadLetterReason deadLetterReason;

    ExpoError(String code, Handling handling, DeadLetterReason deadLetterReason) {
        this.code = code;
        this.handling = handling;
        this.deadLetterReason = deadLetterReason;
    }

    /** The error an Expo code (or one of the client's own) stands for; {@link #OTHER} when unknown. */
    public static ExpoError of(String code) {
        return code == null ? OTHER : BY_CODE.getOrDefault(code, OTHER);
    }

    /** The codes of the errors that dead-letter their event for this reason. */
    public static List<String> codesFor(DeadLetterReason reason) {
        return Arrays.stream(values())
                .filter(error -> error.code != null && error.deadLetterReason == reason)
                .map(ExpoError::code)
                .toList();
    }

    /** The code as Expo spells it; {@code null} for {@link #OTHER}. */
    public String code() {
        return code;
    }

    public Handling handling() {
        return handling;
    }

    /** Its event goes to the DLT; replaying the event after the fix tries this device again. */
    public boolean needsHuman() {
        return handling == Handling.DEAD_LETTER;
    }

    /** The DLT reason of an event that failed this way; only for {@link #needsHuman()} errors. */
    public DeadLetterReason deadLetterReason() {
        if (deadLetterReason == null) {
            throw new IllegalStateException(this + " does not dead-letter its event");
        }
        return deadLetterReason;
    }

    /** What pushpipe does about a push that failed this way. */
    public enum Handling {
        /** Expo could not take it now: the event is redelivered later. */
        RETRY_LATER,
        /** Nothing was sent (the circuit is open, or the batch ran out of time): redelivered later, not counted as an attempt. */
        NOT_ATTEMPTED,
        /** Too many pushes to that device: it waits, and the push is tried again. */
        THROTTLE_DEVICE,
        /** The token is no longer valid: it is deactivated, and the device's delivery is over. */
        DEACTIVATE_TOKEN,
        /** A person must fix the cause: the event is dead-lettered, to be replayed after the fix. */
        DEAD_LETTER
    }
}
