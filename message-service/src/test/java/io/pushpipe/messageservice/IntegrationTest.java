package io.pushpipe.messageservice;

import io.pushpipe.testsupport.ServiceRoleByDefault;
import io.pushpipe.testsupport.SharedInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole application on the JVM's shared real PostgreSQL and Kafka.
 *
 * <p>The relay's fallback poll is set to ten minutes, so every event these tests see on Kafka was
 * published because the commit's NOTIFY woke the relay.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pushpipe.outbox.poll-interval=10m")
@AutoConfigureMockMvc
@Import(ServiceRoleByDefault.class)
public abstract class IntegrationTest {

    @DynamicPropertySource
    static void sharedInfrastructure(DynamicPropertyRegistry registry) {
        SharedInfrastructure.register(registry);
    }
}
