package io.pushpipe.problems;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

class ApiErrorsTests {

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new FailingController())
            .setControllerAdvice(new ApiErrors())
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"no-connection", "no-transaction", "query-timeout"})
    void anUnreachableDatabaseIsA503WithRetryAfter(String failure) throws Exception {
        mvc.perform(get("/fail/" + failure))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(jsonPath("$.title").value("Message store unavailable"));
    }

    @Test
    void anythingElseIsA500() throws Exception {
        mvc.perform(get("/fail/bug"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.title").value("Internal error"));
    }

    @RestController
    static class FailingController {

        @GetMapping("/fail/{failure}")
        String fail(@PathVariable String failure) {
            Supplier<RuntimeException> exception = switch (failure) {
                case "no-connection" -> () -> new CannotGetJdbcConnectionException("pool exhausted");
                case "no-transaction" -> () -> new CannotCreateTransactionException("no connection");
                case "query-timeout" -> () -> new QueryTimeoutException("statement timeout");
                default -> () -> new IllegalStateException("a bug");
            };
            throw exception.get();
        }
    }
}
