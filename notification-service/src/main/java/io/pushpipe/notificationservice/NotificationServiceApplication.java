package io.pushpipe.notificationservice;

import io.pushpipe.problems.ApiErrors;
import io.pushpipe.problems.RequestSizeLimitFilter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Consumes {@code MessageSent} events and delivers push notifications through the Expo Push API. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(ApiErrors.class)
@EnableScheduling
public class NotificationServiceApplication {

    /** Token registrations are a few hundred bytes. */
    private static final DataSize MAX_REQUEST_SIZE = DataSize.ofKilobytes(16);

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(JsonMapper json) {
        return new RequestSizeLimitFilter(MAX_REQUEST_SIZE, json);
    }

    public static void main(String[] args) {
        SpringApplication.run(NotificationServiceApplication.class, args);
    }
}
