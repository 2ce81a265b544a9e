package io.pushpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackSettingsTests {

    @Test
    void aPortInUseIsNamedWithTheVariableThatMovesIt() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(0));
            int port = busy.getLocalPort();
            LocalStack.Settings settings = LocalStack.Settings.from(Map.of(
                    "PUSHPIPE_LOCAL_NOTIFICATION_SERVICE_PORT",
                    String.valueOf(port),
                    "PUSHPIPE_LOCAL_MESSAGE_SERVICE_PORT",
                    "0",
                    "PUSHPIPE_LOCAL_EXPO_SANDBOX_PORT",
                    "0",
                    "PUSHPIPE_LOCAL_POSTGRES_PORT",
                    "0"));

            assertThat(settings.firstPortInUse())
                    .hasValueSatisfying(message -> assertThat(message)
                            .startsWith("Port " + port + " is already in use")
                            .contains("PUSHPIPE_LOCAL_NOTIFICATION_SERVICE_PORT="));
        }
    }

    @Test
    void defaultsToTheDocumentedPortsAndDataFolder() {
        LocalStack.Settings settings = LocalStack.Settings.from(Map.of());

        assertThat(settings.messageServicePort()).isEqualTo(8080);
        assertThat(settings.notificationServicePort()).isEqualTo(8081);
        assertThat(settings.expoSandboxPort()).isEqualTo(8082);
        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.dataDirectory()).isEqualTo(Path.of(".local-stack").toAbsolutePath());
        assertThat(settings.expoBaseUrl()).isEmpty();
    }

    @Test
    void refusesAPortThatIsNotANumber() {
        assertThatThrownBy(() -> LocalStack.Settings.from(Map.of("PUSHPIPE_LOCAL_POSTGRES_PORT", "five")))
                .hasMessage("PUSHPIPE_LOCAL_POSTGRES_PORT must be a port number, not 'five'");
    }
}
