package io.pushpipe.messageservice.message;

import io.pushpipe.common.MessageType;
import io.pushpipe.problems.ForbiddenException;
import io.pushpipe.security.ApiSecurityProperties;
import io.pushpipe.security.Caller;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Who may send which message types: a candidate must not be able to put "🎥 Interview Scheduled!" with a
 * link of their choosing on someone's lock screen. The back end ({@code service_role}) sends every type for
 * anyone; an anonymous Supabase user sends nothing; any other signed-in user sends the types of their kind
 * ({@code pushpipe.senders.kinds}), or those for users without a kind ({@code pushpipe.senders.without-kind},
 * none by default). A refusal is a 403 naming the rule and the setting behind it.
 */
@Component
class SenderRules {

    private final Map<String, Set<MessageType>> kinds;
    private final Set<MessageType> withoutKind;
    private final String kindClaim;

    SenderRules(SenderProperties settings, ApiSecurityProperties security) {
        this.kinds = settings.kinds().entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(
                        entry -> entry.getKey().toLowerCase(Locale.ROOT), entry -> types(entry.getValue())));
        this.withoutKind = types(settings.withoutKind());
        this.kindClaim = security.jwt().kindClaim();
    }

    /** Refuses with 403 unless the caller may send messages of this type. */
    void requireMaySend(Caller caller, MessageType type) {
        if (caller.isServiceRole()) {
            return;
        }
        if (caller.anonymous()) {
            throw new ForbiddenException(
                    "send messages",
                    "Anonymous users (is_anonymous: true) may not send messages. Sign in with an account to send"
                            + " one.");
        }
        String kind = caller.kind().map(name -> name.toLowerCase(Locale.ROOT)).orElse(null);
        Set<MessageType> allowed = kind != null && kinds.containsKey(kind) ? kinds.get(kind) : withoutKind;
        if (allowed.contains(type)) {
            return;
        }
        String rule;
        if (kind == null) {
            rule = "Your token has no " + kindClaim + ", and users without a kind (pushpipe.senders.without-kind)";
        } else if (!kinds.containsKey(kind)) {
            rule = "Your token's " + kindClaim + " is '" + kind + "', which has no sender rule (pushpipe.senders.kinds."
                    + kind + "), and users without a kind (pushpipe.senders.without-kind)";
        } else {
            rule = "Users of kind '" + kind + "' (pushpipe.senders.kinds." + kind + ")";
        }
        throw new ForbiddenException(
                "send " + type.wireName(),
                rule + " may send " + describe(allowed) + ", not " + type.wireName() + ". The portal's back end"
                        + " (service_role) may send it for you.");
    }

    /** In declaration order, for the answers. */
    private static Set<MessageType> types(Set<MessageType> types) {
        return Collections.unmodifiableSet(types.isEmpty() ? EnumSet.noneOf(MessageType.class) : EnumSet.copyOf(types));
    }

    private static String describe(Set<MessageType> types) {
        return types.isEmpty()
                ? "no messages"
                : types.stream().map(MessageType::wireName).collect(Collectors.joining(", "));
    }
}
