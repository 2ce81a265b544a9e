package io.pushpipe.security;

import io.pushpipe.problems.ApiErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refused requests as problem details: 401 says why the token was refused (with the {@code WWW-Authenticate}
 * header of RFC 6750), 403 names the missing role, 429 says when to retry.
 */
final class RefusalResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final String CHALLENGE = "Bearer realm=\"pushpipe\"";

    private final JsonMapper json;
    private final ApiSecurityProperties.Jwt claims;

    RefusalResponses(JsonMapper json, ApiSecurityProperties.Jwt claims) {
        this.json = json;
        this.claims = claims;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.UNAUTHORIZED);
        problem.setTitle("Unauthorized");
        if (e instanceof OAuth2AuthenticationException refused) {
            String description = String.valueOf(refused.getError().getDescription());
            problem.setProperty("reason", reason(description));
            response.setHeader(
                    HttpHeaders.WWW_AUTHENTICATE,
                    CHALLENGE + ", error=\"invalid_token\", error_description=\"" + quotable(description) + "\"");
            problem.setDetail("The bearer token was refused: " + description + (description.endsWith(".") ? "" : ".")
                    + " Sign in again to get a fresh Supabase access token, and send it as 'Authorization: Bearer"
                    + " <token>'.");
        } else {
            problem.setProperty("reason", "missing_token");
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            problem.setDetail("This endpoint needs a bearer token: send your Supabase access token as"
                    + " 'Authorization: Bearer <token>'.");
        }
        write(request, response, HttpStatus.UNAUTHORIZED, problem);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String role = Caller.current(claims).map(Caller::role).orElse("");
        String needed = Roles.AUTHENTICATED.equals(role)
                ? Roles.SERVICE_ROLE
                : Roles.AUTHENTICATED + " or " + Roles.SERVICE_ROLE;
        ProblemDetail problem = ApiErrors.forbidden(
                "role " + needed,
                request.getMethod() + " " + request.getRequestURI() + " needs the role " + needed
                        + "; your token's role is '" + role + "'.");
        write(request, response, HttpStatus.FORBIDDEN, problem);
    }

    /** 429 with {@code Retry-After}. */
    void tooManyRequests(
            HttpServletRequest request,
            HttpServletResponse response,
            String caller,
            long retryAfterSeconds,
            String limit)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.TOO_MANY_REQUESTS);
        problem.setTitle("Too many requests");
        problem.setDetail("Caller " + caller + " sent more than " + limit + ". Nothing was stored for this request;"
                + " retry it after " + retryAfterSeconds + " s.");
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        write(request, response, HttpStatus.TOO_MANY_REQUESTS, problem);
    }

    private void write(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, ProblemDetail problem)
            throws IOException {
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    /** RFC 6750 allows printable ASCII without quote and backslash in the description. */
    private static String quotable(String description) {
        return description.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "'");
    }

    /** A stable code for the client to branch on, from the verifier's description. */
    private static String reason(String description) {
        String text = description.toLowerCase(Locale.ROOT);
        if (text.contains("role claim")) {
            return "invalid_role";
        }
        if (text.contains("expired")) {
            return "token_expired";
        }
        if (text.contains("used before")) {
            return "token_not_yet_valid";
        }
        if (text.contains("audience")) {
            return "wrong_audience";
        }
        if (text.contains("signature")) {
            return "bad_signature";
        }
        if (text.contains("iss claim")) {
            return "wrong_issuer";
        }
        return "invalid_token";
    }
}
