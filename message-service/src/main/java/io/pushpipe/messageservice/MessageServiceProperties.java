package io.pushpipe.messageservice;

import io.pushpipe.common.MessageType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * message-service settings under {@code pushpipe.*}; each can be set by environment variable, for
 * example {@code PUSHPIPE_OUTBOX_BATCH_SIZE}.
 *
 * @param api limits of the HTTP API
 * @param outbox how the outbox relay publishes to Kafka
 * @param senders which message types each kind of user may send
 */
@Validated
@ConfigurationProperties("pushpipe")
public record MessageServiceProperties(
        @Valid @NotNull @DefaultValue Api api,
        @Valid @NotNull @DefaultValue Outbox outbox,
        @Valid @NotNull @DefaultValue Senders senders) {

    /**
     * The sender rules of {@code POST /message/send-message}, by the kind of user the token names (the claim at
     * {@code pushpipe.security.jwt.kind-claim}, default {@code app_metadata.user_kind}). {@code service_role}
     * sends every type for any sender and an anonymous Supabase user ({@code is_anonymous: true}) none, whatever
     * these say. The defaults (in {@code message-service.yml}): employers every type, candidates {@code text}.
     *
     * @param kinds per kind (lower case), the message types its users may send, for example {@code
     *     PUSHPIPE_SENDERS_KINDS_CANDIDATE=text}
     * @param withoutKind the types a signed-in user may send whose token names no kind, or one without a rule:
     *     none by default, so a missing claim (an auth hook not installed) fails closed
     */
    public record Senders(
            @NotNull @DefaultValue Map<String, Set<MessageType>> kinds,
            @NotNull @DefaultValue Set<MessageType> withoutKind) {}

    /** @param maxRequestSize largest request body accepted; larger ones get 413 */
    public record Api(@NotNull @DefaultValue("64KB") DataSize maxRequestSize) {}

    /**
     * @param batchSize most outbox rows published in one relay cycle
     * @param pollInterval how often the relay looks for rows when no insert notification arrives
     * @param initialBackoff first wait after a failed publish; doubles per failure
     * @param maxBackoff longest wait between publish attempts while Kafka is unreachable
     * @param sendTimeout how long a batch may wait for the broker's acknowledgements
     * @param maxHealthyAge age of the oldest unpublished row above which the outbox reports DOWN
     * @param leaseDuration how long the active relay's lease lasts unless renewed (by every cycle, and every
     *     third of it while a cycle waits for Kafka): after a crash, another instance's relay takes over within
     *     this
     * @param listenUrl JDBC URL of a direct connection to the same database for the relay's {@code LISTEN};
     *     empty to use {@code spring.datasource.url}. Through a transaction-mode pooler notifications do not
     *     arrive: the relay notices and polls every {@code poll-interval}, unless this names a direct connection
     */
    public record Outbox(
            @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
            @NotNull @DefaultValue("500ms") Duration pollInterval,
            @NotNull @DefaultValue("200ms") Duration initialBackoff,
            @NotNull @DefaultValue("30s") Duration maxBackoff,
            @NotNull @DefaultValue("20s") Duration sendTimeout,
            @NotNull @DefaultValue("1m") Duration maxHealthyAge,
            @NotNull @DefaultValue("10s") Duration leaseDuration,
            @NotNull @DefaultValue("") String listenUrl) {}
}
