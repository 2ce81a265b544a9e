package io.pushpipe.problems;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Turns every failure into an RFC 9457 problem detail that says what was wrong and how to fix it. Invalid
 * fields are listed in an {@code errors} array of {@code {"field", "message"}}, with the JSON field name
 * (request records name their components in camelCase and their JSON fields in snake_case).
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    private static final String RETRY_AFTER_SECONDS = "5";

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(snakeCase(error.getField()), error.getDefaultMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        return ResponseEntity.badRequest().body(invalid(problems));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> handleInvalidField(InvalidFieldException e) {
        return ResponseEntity.badRequest().body(invalid(List.of(new FieldProblem(e.field(), e.rule()))));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> handleForbidden(ForbiddenException e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(forbidden(e.permission(), e.getMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Optional<RequestTooLargeException> tooLarge = causeOf(e, RequestTooLargeException.class);
        if (tooLarge.isPresent()) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge.get()));
        }
        Optional<MismatchedInputException> mismatch = causeOf(e, MismatchedInputException.class);
        if (mismatch.isPresent() && !mismatch.get().getPath().isEmpty()) {
            return ResponseEntity.badRequest().body(invalid(List.of(fieldProblem(mismatch.get()))));
        }
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setTitle("Unreadable request body");
        problem.setDetail(causeOf(e, StreamReadException.class)
                .map(json -> "The request body is not valid JSON: " + json.getOriginalMessage()
                        + ". Send a JSON object as described at /swagger-ui.html.")
                .orElse("The request body is missing or is not a JSON object. Send a JSON object as described at "
                        + "/swagger-ui.html."));
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = Optional.ofNullable(e.getPropertyName()).orElse("parameter");
        String rule = UUID.class.equals(e.getRequiredType())
                ? notAUuid(e.getValue())
                : "'" + e.getValue() + "' is not a valid value";
        return ResponseEntity.badRequest().body(invalid(List.of(new FieldProblem(name, rule))));
    }

    /** JDBC's {@code CannotGetJdbcConnectionException} is a {@link DataAccessResourceFailureException}. */
    @ExceptionHandler({
        CannotCreateTransactionException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        TransactionSystemException.class
    })
    ResponseEntity<ProblemDetail> handleDatabaseUnavailable(RuntimeException e) {
        log.error("Database unavailable: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
        problem.setTitle("Message store unavailable");
        problem.setDetail(
                "The database cannot be reached, so nothing was stored. Retry the same request in a few " + "seconds.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> handleUnexpected(Exception e) {
        log.error("Request failed unexpectedly", e);
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.INTERNAL_SERVER_ERROR);
        problem.setTitle("Internal error");
        problem.setDetail("The request failed and nothing was stored. Retry it; if it keeps failing, report the time "
                + "of the request to the pushpipe operators.");
        return ResponseEntity.internalServerError().body(problem);
    }

    /** A 403 answer: {@code missing_permission} names what the caller lacks. */
    public static ProblemDetail forbidden(String permission, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail);
        problem.setTitle("Forbidden");
        problem.setProperty("missing_permission", permission);
        return problem;
    }

    static ProblemDetail tooLarge(RequestTooLargeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        problem.setTitle("Request body too large");
        return problem;
    }

    private static ProblemDetail invalid(List<FieldProblem> problems) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setTitle("Invalid request");
        problem.setDetail(
                problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        problem.setProperty(
                "errors",
                problems.stream()
                        .map(p -> Map.of("field", p.field(), "message", p.message()))
                        .toList());
        return problem;
    }

    private static FieldProblem fieldProblem(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(JacksonException.Reference::getPropertyName)
                .filter(name -> name != null)
                .collect(Collectors.joining("."));
        Class<?> target = e.getTargetType();
        Object value = e instanceof InvalidFormatException invalid ? invalid.getValue() : null;
        if (target != null && target.isEnum()) {
            return new FieldProblem(field, "'" + value + "' is not one of " + jsonNames(target));
        }
        if (UUID.class.equals(target)) {
            return new FieldProblem(field, notAUuid(value));
        }
        String expected = target == null ? "another type" : describe(target);
        return new FieldProblem(field, "must be " + expected);
    }

    private static String notAUuid(Object value) {
        return "'" + value + "' is not a UUID such as 3f2b8c1e-0d4a-4e7b-9c5f-1a2b3c4d5e6f";
    }

    private static String describe(Class<?> type) {
        return type.equals(String.class) ? "a string" : "a " + type.getSimpleName();
    }

    /** The names an enum's constants have in JSON: their {@code @JsonProperty} value, else their name. */
    private static List<String> jsonNames(Class<?> enumType) {
        return Arrays.stream(enumType.getFields())
                .filter(java.lang.reflect.Field::isEnumConstant)
                .map(constant -> Optional.ofNullable(constant.getAnnotation(JsonProperty.class))
                        .map(JsonProperty::value)
                        .orElse(constant.getName()))
                .toList();
    }

    private static String snakeCase(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static <T extends Throwable> Optional<T> causeOf(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    private record FieldProblem(String field, String message) {}
}
