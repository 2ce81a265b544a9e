package io.pushpipe.security;

import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security both services share: stateless JWT bearer authentication, the caller's role as authority
 * {@code ROLE_<role>}, open health and API docs, the service's {@link AccessRules}, problem-detail refusals,
 * the per-caller POST limit, and {@link Caller} as a controller parameter.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(ApiSecurityProperties.class)
public class ApiSecurity implements WebMvcConfigurer {

    private static final String[] OPEN_PATHS = {
        "/actuator/health",
        "/actuator/health/**",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/error"
    };

    private final ApiSecurityProperties.Jwt claims;
    private final String roleClaim;

    ApiSecurity(ApiSecurityProperties properties) {
        this.claims = properties.jwt();
        this.roleClaim = claims.roleClaim();
    }

    /** Anonymous health probes answered before the security chain, from a status at most a second old. */
    @Bean
    FilterRegistrationBean<AnonymousHealth> anonymousHealth(ObjectProvider<HealthEndpoint> health) {
        FilterRegistrationBean<AnonymousHealth> registration =
                new FilterRegistrationBean<>(new AnonymousHealth(health));
        registration.addUrlPatterns(AnonymousHealth.PATH);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    JwtDecoder jwtDecoder(ApiSecurityProperties properties, Environment environment) {
        return JwtVerification.decoder(properties, environment);
    }

    /**
     * No observation around each security filter: in the benchmark's profile they cost more than the token
     * verification itself; {@code http.server.requests} still times every request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain apiSecurityFilterChain(
            HttpSecurity http, AccessRules serviceRules, ApiSecurityProperties properties, JsonMapper json) {
        RefusalResponses refusals = new RefusalResponses(json, claims);
        // The one role that Caller reports, as the one authority: a token naming several roles never gets here.
        JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(jwt -> Roles.of(jwt, roleClaim)
                .<Collection<GrantedAuthority>>map(role -> List.of(new SimpleGrantedAuthority("ROLE_" + role)))
                .orElse(List.of()));
        return http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(rules -> {
                    rules.requestMatchers(OPEN_PATHS).permitAll();
                    serviceRules.configure(rules);
                    rules.requestMatchers("/actuator/**").hasRole(Roles.SERVICE_ROLE);
                    rules.anyRequest().hasAnyRole(Roles.AUTHENTICATED, Roles.SERVICE_ROLE);
                })
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtAuthenticationConverter(authentication))
                        .authenticationEntryPoint(refusals)
                        .accessDeniedHandler(refusals))
                .exceptionHandling(
                        handling -> handling.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .addFilterAfter(
                        new CallerRateLimiter(properties.rateLimit(), claims, refusals), AuthorizationFilter.class)
                .build();
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerResolver());
    }

    private final class CallerResolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Caller.class.equals(parameter.getParameterType());
        }

        @Override
        public Caller resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer container,
                NativeWebRequest request,
                WebDataBinderFactory binders) {
            return Caller.current(claims)
                    .orElseThrow(() -> new IllegalStateException(
                            "No bearer token on " + parameter.getExecutable() + "; its path must not be open"));
        }
    }
}
