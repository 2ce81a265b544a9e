package io.pushpipe.notificationservice.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pushpipe.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The app registers its Expo push token for the signed-in user, and unregisters it on sign-out. A user
 * manages only their own tokens; {@code service_role} manages anyone's. Tokens never appear in URLs or
 * answers whole (they are masked), and no refusal names another user.
 */
@RestController
@RequestMapping(path = "/push-tokens", produces = MediaType.APPLICATION_JSON_VALUE)
class TokenController {

    private static final Logger log = LoggerFactory.getLogger(TokenController.class);

    private final TokenRegistry registry;

    TokenController(TokenRegistry registry) {
        this.registry = registry;
    }

    @Operation(
            summary = "Register a device's Expo push token for a user",
            description = "201 when the token is new, 200 when it was known (re-activated, or moved to this user"
                    + " after its previous user signed out). 409 when another user holds it actively. When the user"
                    + " then has more than pushpipe.tokens.max-per-user active tokens, the least recently"
                    + " registered are deactivated and listed in replaced_tokens.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RegisteredView> register(@Valid @RequestBody RegisterToken request, Caller caller) {
        caller.requireActingFor(request.userId(), "user_id");
        TokenRegistry.Registration registration = registry.register(
                        request.userId(), request.expoToken(), request.platform(), caller.isServiceRole())
                .orElseThrow(() -> {
                    log.warn(
                            "Push token not moved: another user holds it actively userId={} token={}",
                            request.userId(),
                            ExpoTokens.mask(request.expoToken()));
                    return new ResponseStatusException(
                            HttpStatus.CONFLICT,
                            "This push token is registered to another account that has not signed out on this"
                                    + " device. Signing out there unregisters it (DELETE /push-tokens), after which"
                                    + " it can be registered here; the back end (service_role) may move it at once.");
                });
        log.info(
                "Push token {} userId={} token={}",
                registration.created() ? "registered" : "re-registered",
                request.userId(),
                ExpoTokens.mask(request.expoToken()));
        for (PushToken replaced : registration.replaced()) {
            log.info(
                    "Push token deactivated: over the quota of devices userId={} token={}",
                    request.userId(),
                    ExpoTokens.mask(replaced.expoToken()));
        }
        return ResponseEntity.status(registration.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(RegisteredView.of(registration));
    }

    @Operation(
            summary = "Unregister a token, for example when the user signs out; idempotent",
            description = "The token travels in the body, never in the URL, so that no access log holds it."
                    + " 404 when the caller has no such token (whether it exists for someone else is not said).")
    @DeleteMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unregister(@Valid @RequestBody UnregisterToken request, Caller caller) {
        UUID owner = caller.isServiceRole()
                ? null
                : caller.subject().flatMap(TokenController::uuid).orElseThrow(TokenController::noSuchToken);
        if (!registry.unregister(request.expoToken(), owner)) {
            throw noSuchToken();
        }
        log.info("Push token unregistered token={}", ExpoTokens.mask(request.expoToken()));
    }

    @Operation(
            summary = "Gone: the token belongs in the body of DELETE /push-tokens",
            description = "Answers 410 and changes nothing: a token in a URL ends up in access logs.")
    @DeleteMapping("/{ignored}")
    void unregisterByPath() {
        throw new ResponseStatusException(
                HttpStatus.GONE,
                "Send the token in the body instead: DELETE /push-tokens with {\"expo_token\": \"ExponentPushToken[…]\"}."
                        + " Tokens in URLs end up in access logs.");
    }

    @Operation(summary = "List a user's tokens, masked")
    @GetMapping
    List<TokenView> list(
            @Parameter(description = "the user's id") @RequestParam("user_id") UUID userId, Caller caller) {
        caller.requireActingFor(userId, "user_id");
        return registry.tokensOf(userId).stream().map(TokenView::of).toList();
    }

    /**
     * @param userId the signed-in user
     * @param expoToken {@code ExponentPushToken[...]} or {@code ExpoPushToken[...]}
     * @param platform optional: {@code ios}, {@code android} or {@code web}
     */
    record RegisterToken(
            @JsonProperty("user_id") @NotNull UUID userId,

            @JsonProperty("expo_token")
            @NotNull
            @Pattern(
                    regexp = ExpoTokens.REGEX,
                    message = "must be an Expo push token such as ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]")
            String expoToken,

            @Pattern(regexp = "ios|android|web", message = "must be one of ios, android, web")
            String platform) {}

    /** @param expoToken the token to unregister */
    record UnregisterToken(
            @JsonProperty("expo_token")
            @NotNull
            @Pattern(
                    regexp = ExpoTokens.REGEX,
                    message = "must be an Expo push token such as ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]")
            String expoToken) {}

    /**
     * A registration's answer: the token, and the tokens it replaced to keep the user within the quota.
     *
     * @param replacedTokens deactivated because the user now has more than {@code
     *     pushpipe.tokens.max-per-user} active tokens; least recently registered first
     */
    record RegisteredView(
            @JsonUnwrapped TokenView token,
            @JsonProperty("replaced_tokens") List<TokenView> replacedTokens) {

        static RegisteredView of(TokenRegistry.Registration registration) {
            return new RegisteredView(
                    TokenView.of(registration.token()),
                    registration.replaced().stream()
                            .sorted(java.util.Comparator.comparing(PushToken::lastRegisteredAt))
                            .map(TokenView::of)
                            .toList());
        }
    }

    private static ResponseStatusException noSuchToken() {
        return new ResponseStatusException(
                HttpStatus.NOT_FOUND,
                "You have no push token like this one. GET /push-tokens?user_id=… lists yours, masked.");
    }

    private static java.util.Optional<UUID> uuid(String subject) {
        try {
            return java.util.Optional.of(UUID.fromString(subject));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** A token as the API shows it: masked. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenView(
            @JsonProperty("user_id") UUID userId,
            @JsonProperty("expo_token") String maskedToken,
            String platform,
            boolean active,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("last_registered_at") Instant lastRegisteredAt,
            @JsonProperty("deactivated_at") Instant deactivatedAt,
            @JsonProperty("deactivation_reason") String deactivationReason,
            @JsonProperty("throttled_until") Instant throttledUntil) {

        static TokenView of(PushToken token) {
            return new TokenView(
                    token.userId(),
                    ExpoTokens.mask(token.expoToken()),
                    token.platform(),
                    token.active(),
                    token.createdAt(),
                    token.lastRegisteredAt(),
                    token.deactivatedAt(),
                    token.deactivationReason(),
                    token.throttledUntil());
        }
    }
}
