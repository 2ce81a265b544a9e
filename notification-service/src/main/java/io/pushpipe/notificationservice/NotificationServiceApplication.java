package io.pushpipe.notificationservice;

import io.pushpipe.problems.ApiErrors;
import io.pushpipe.problems.RequestSizeLimitFilter;
import io.pushpipe.security.AccessRules;
import io.pushpipe.security.ApiSecurity;
import io.pushpipe.security.Roles;
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
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes {@code MessageSent} events and delivers push notifications through the Expo Push API. Each feature
 * package binds its own settings record under {@code pushpipe.*}, for example {@code expo.ExpoProperties} for
 * {@code pushpipe.expo}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ApiErrors.class, ApiSecurity.class, TopicsConfiguration.class})
@SecurityScheme(name = "supabase", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@OpenAPIDefinition(security = @SecurityRequirement(name = "supabase"))
@EnableScheduling
public class NotificationServiceApplication {

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(ApiProperties settings, JsonMapper json) {
        return new RequestSizeLimitFilter(settings.maxRequestSize(), json);
    }

    /** Test pushes, delivery status and everything under /admin are for the back end and operators. */
    @Bean
    AccessRules accessRules() {
        return rules -> rules.requestMatchers("/test-push-notification/**", "/notifications", "/admin/**")
                .hasRole(Roles.SERVICE_ROLE);
    }

    public static void main(String[] args) {
        SpringApplication.run(NotificationServiceApplication.class, args);
    }
}
