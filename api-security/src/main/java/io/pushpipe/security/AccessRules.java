package io.pushpipe.security;

import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A service's own URL rules, applied after the shared open paths (health, API docs) and before the shared
 * defaults (the rest of the actuator needs {@code service_role}; everything else a signed-in user or {@code
 * service_role}). Rules about whose data a request touches live in the controllers ({@link Caller}).
 */
@FunctionalInterface
public interface AccessRules {

    void configure(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry rules);
}
