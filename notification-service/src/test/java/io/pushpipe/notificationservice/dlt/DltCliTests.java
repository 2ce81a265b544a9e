package io.pushpipe.notificationservice.dlt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.jayway.jsonpath.JsonPath;
import io.pushpipe.common.Topics;
import io.pushpipe.dltcli.DltCli;
import io.pushpipe.notificationservice.NotificationIntegrationTest;
import io.pushpipe.security.DevelopmentTokens;
import io.pushpipe.testsupport.SharedInfrastructure;
import io.pushpipe.testsupport.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.MockMvc;
import picocli.CommandLine;

/** The developers' command line prints what the admin API answers. */
class DltCliTests extends NotificationIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    private final String key = UUID.randomUUID().toString();

    @BeforeEach
    void deadLetterOneRecord(@Autowired KafkaTemplate<String, byte[]> kafka) {
        kafka.send(new ProducerRecord<>(Topics.MESSAGE_SENT, key, "{]".getBytes(StandardCharsets.UTF_8)))
                .join();
        try (TopicReader dlt = new TopicReader(SharedInfrastructure.kafkaBootstrapServers(), Topics.MESSAGE_SENT_DLT)) {
            dlt.readUntil(all -> all.stream().anyMatch(r -> key.equals(r.key())), Duration.ofSeconds(30));
        }
    }

    @Test
    void listPrintsTheRecordsTheApiReturns() throws Exception {
        String api = mvc.perform(get("/admin/dlt").param("receiver_id", key))
                .andReturn()
                .getResponse()
                .getContentAsString();

        Run run = run("list", "--receiver-id", key);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith(JsonPath.<Integer>read(api, "$.total") + " dead letters; page 0 of size 50")
                .contains(JsonPath.read(api, "$.records[0].partition") + " ")
                .contains(" " + JsonPath.read(api, "$.records[0].offset") + " ")
                .contains("POISON")
                .contains(key);
    }

    @Test
    void replayIsADryRunUnlessToldOtherwiseAndSaysWhatWouldHappen() throws Exception {
        int replaysBefore = jdbc.sql("select count(*) from dlt_replays")
                .query(Integer.class)
                .single();
        String api = mvc.perform(post("/admin/dlt/replay")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"filter\":{\"receiver_id\":\"" + key + "\"}}"))
                .andReturn()
                .getResponse()
                .getContentAsString();

        Run run = run("replay", "--receiver-id", key);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("DRY RUN: would replay " + JsonPath.read(api, "$.replayed") + " of "
                        + JsonPath.read(api, "$.selected") + " selected")
                .contains("would_replay");
        assertThat(jdbc.sql("select count(*) from dlt_replays")
                        .query(Integer.class)
                        .single())
                .isEqualTo(replaysBefore);
    }

    @Test
    void anUnknownRecordEndsWithTheApisExplanationAndExitCode1() {
        Run run = run("show", "0", "999999999");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("404").contains("message-sent-dlt has no record at partition 0");
    }

    @Test
    void withoutAServiceRoleTokenItSaysWhatToSet() {
        Run missing = runAs("", "list");
        Run user = runAs(DevelopmentTokens.user(UUID.randomUUID(), Duration.ofMinutes(5)), "list");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no token: set PUSHPIPE_TOKEN (or --token) to a service_role token");
        assertThat(user.exitCode()).isEqualTo(1);
        assertThat(user.err())
                .contains("403 Forbidden: GET /admin/dlt needs the role service_role; your token's role is"
                        + " 'authenticated'.");
    }

    private Run run(String... args) {
        return runAs(DevelopmentTokens.serviceRole(Duration.ofMinutes(5)), args);
    }

    private Run runAs(String token, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = DltCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "--url=http://localhost:" + port;
        all[1] = "--operator=test";
        all[2] = "--token=" + token;
        System.arraycopy(args, 0, all, 3, args.length);
        int exitCode = cli.execute(all);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {}
}
