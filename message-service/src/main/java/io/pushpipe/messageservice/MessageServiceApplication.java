package io.pushpipe.messageservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The portal's HTTP API: stores messages and publishes {@code MessageSent} events through an outbox. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MessageServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(MessageServiceApplication.class, args);
    }
}
