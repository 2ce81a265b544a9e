package io.pushpipe.messageservice;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413
 */
@Validated
@ConfigurationProperties("pushpipe.api")
record ApiProperties(@NotNull @DefaultValue("64KB") DataSize maxRequestSize) {}
