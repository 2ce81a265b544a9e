package io.pushpipe.testsupport;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;

/**
 * MockMvc requests carry the {@code service_role} token unless they set their own {@code Authorization}: tests
 * of what an endpoint does call it as the portal's back end; the security tests choose their callers.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ServiceRoleByDefault {

    @Bean
    MockMvcBuilderCustomizer serviceRoleByDefault() {
        return builder -> builder.defaultRequest(get("/").header(HttpHeaders.AUTHORIZATION, TestTokens.serviceRole()));
    }
}
