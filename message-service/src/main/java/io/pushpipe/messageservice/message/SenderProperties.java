package io.pushpipe.messageservice.message;

import io.pushpipe.common.MessageType;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

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
@Validated
@ConfigurationProperties("pushpipe.senders")
record SenderProperties(
        @NotNull @DefaultValue Map<String, Set<MessageType>> kinds,
        @NotNull @DefaultValue Set<MessageType> withoutKind) {}
