package io.pushpipe.security;

import io.pushpipe.problems.ApiErrors;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A service in miniature: a user endpoint, a per-user endpoint and an admin endpoint behind {@link ApiSecurity}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ApiSecurity.class, ApiErrors.class, SecuredApplication.Endpoints.class})
class SecuredApplication {

    @Bean
    AccessRules accessRules() {
        return rules -> rules.requestMatchers("/admin/**").hasRole(Roles.SERVICE_ROLE);
    }

    @RestController
    static class Endpoints {

        @GetMapping("/whoami")
        Map<String, String> whoami(Caller caller) {
            return Map.of("name", caller.name(), "role", caller.role());
        }

        @PostMapping("/users/{userId}/things")
        Map<String, String> post(@PathVariable UUID userId, Caller caller) {
            caller.requireActingFor(userId, "user_id");
            return Map.of("for", userId.toString());
        }

        @GetMapping("/admin/secrets")
        Map<String, String> admin() {
            return Map.of("secret", "for operators");
        }
    }
}
