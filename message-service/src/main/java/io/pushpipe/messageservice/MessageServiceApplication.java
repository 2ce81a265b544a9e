package io.pushpipe.messageservice;

import io.pushpipe.problems.ApiErrors;
import io.pushpipe.problems.RequestSizeLimitFilter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The portal's HTTP API: stores messages and publishes {@code MessageSent} events through an outbox. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(ApiErrors.class)
public class MessageServiceApplication {

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(MessageServiceProperties properties, JsonMapper json) {
        return new RequestSizeLimitFilter(properties.api().maxRequestSize(), json);
    }

    public static void main(String[] args) {
        SpringApplication.run(MessageServiceApplication.class, args);
    }
}
