package io.pushpipe.notificationservice.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app registers its Expo push token for the signed-in user, and unregisters it on sign-out. A user
 * manages only their own tokens; {@code service_role} manages anyone's.
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
            description = "201 when the token is new, 200 when it was known (it moves to this user and is"
                    + " re-activated).")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TokenView> register(@Valid @RequestBody RegisterToken request, Caller caller) {
        caller.requireActingFor(request.userId(), "user_id");
        TokenRegistry.Registration registration =
                registry.register(request.userId(), request.expoToken(), request.platform());
        log.info(
                "Push token {} userId={} token={}",
                registration.created() ? "registered" : "re-registered",
                request.userId(),
                ExpoTokens.mask(request.expoToken()));
        return ResponseEntity.status(registration.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(TokenView.of(registration.token()));
    }

    @Operation(summary = "Unregister a token, for example when the user signs out; idempotent")
    @DeleteMapping("/{expoToken}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unregister(@PathVariable String expoToken, Caller caller) {
        registry.ownerOf(expoToken).ifPresent(owner -> caller.requireActingFor(owner, "the token's user"));
        if (registry.deactivate(List.of(expoToken), "signed_out") > 0) {
            log.info("Push token unregistered token={}", ExpoTokens.mask(expoToken));
        }
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
