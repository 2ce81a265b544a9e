package io.pushpipe.messageservice;

import io.pushpipe.problems.ApiErrors;
import io.pushpipe.problems.RequestSizeLimitFilter;
import io.pushpipe.security.AccessRules;
import io.pushpipe.security.ApiSecurity;
import io.pushpipe.topics.TopicsConfiguration;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The portal's HTTP API: stores messages and publishes {@code MessageSent} events through an outbox. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ApiErrors.class, ApiSecurity.class, TopicsConfiguration.class})
@SecurityScheme(name = "supabase", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@OpenAPIDefinition(security = @SecurityRequirement(name = "supabase"))
public class MessageServiceApplication {

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(ApiProperties api, JsonMapper json) {
        return new RequestSizeLimitFilter(api.maxRequestSize(), json);
    }

    /** Every endpoint is for signed-in users; whose data they touch is checked in the controller. */
    @Bean
    AccessRules accessRules() {
        return rules -> {};
    }

    public static void main(String[] args) {
        SpringApplication.run(MessageServiceApplication.class, args);
    }
}
