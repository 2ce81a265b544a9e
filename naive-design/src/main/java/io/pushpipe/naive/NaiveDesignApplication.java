package io.pushpipe.naive;

import io.pushpipe.problems.ApiErrors;
import io.pushpipe.problems.RequestSizeLimitFilter;
import io.pushpipe.security.AccessRules;
import io.pushpipe.security.ApiSecurity;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** The seed's design as one small server, for the benchmark to measure pushpipe against. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({ApiErrors.class, ApiSecurity.class})
public class NaiveDesignApplication {

    /** message-service's request filter with its default limit, so that both stacks do the same per request. */
    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(JsonMapper json) {
        return new RequestSizeLimitFilter(DataSize.ofKilobytes(64), json);
    }

    @Bean
    AccessRules accessRules() {
        return rules -> {};
    }

    public static void main(String[] args) {
        SpringApplication.run(NaiveDesignApplication.class, args);
    }
}
