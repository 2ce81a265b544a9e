package io.pushpipe.dltcli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pushpipe-dlt}: what is in {@code message-sent-dlt}, why, and sending chosen records back, through
 * notification-service's admin API. Replays are dry runs unless {@code --yes} is given.
 */
@Command(
        name = "pushpipe-dlt",
        mixinStandardHelpOptions = true,
        description = "Inspect and replay pushpipe's dead-letter topic (message-sent-dlt).",
        subcommands = {DltCli.ListCommand.class, DltCli.ShowCommand.class, DltCli.ReplayCommand.class})
public final class DltCli {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(
            names = "--url",
            defaultValue = "${env:PUSHPIPE_NOTIFICATION_SERVICE_URL:-http://localhost:8081}",
            description = "notification-service's base URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--operator",
            defaultValue = "${env:USER:-unknown}",
            description = "who replays, recorded with every replay (default: ${DEFAULT-VALUE})")
    String operator;

    @Option(
            names = "--token",
            defaultValue = "${env:PUSHPIPE_TOKEN:-}",
            description = "a service_role bearer token (default: $PUSHPIPE_TOKEN; the local stack prints one)")
    String token;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a failure prints one line saying why, and exits with 1. */
    public static CommandLine commandLine() {
        return new CommandLine(new DltCli()).setExecutionExceptionHandler((failure, command, parsed) -> {
            command.getErr().println("pushpipe-dlt: " + failure.getMessage());
            command.getErr().flush();
            return 1;
        });
    }

    /** Calls the admin API; an error answer is printed from its problem detail and ends with exit code 1. */
    JsonNode call(HttpRequest.Builder request) {
        if (token == null || token.isBlank()) {
            throw new CliFailure("no token: set PUSHPIPE_TOKEN (or --token) to a service_role token; the local stack"
                    + " prints one as the admin token.");
        }
        try {
            HttpResponse<String> response = http.send(
                    request.header("Accept", "application/json")
                            .header("X-Operator", operator)
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new CliFailure(
                        response.statusCode() + " " + body.path("title").asString("error") + ": "
                                + body.path("detail").asString(response.body()));
            }
            return body;
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot reach notification-service at " + url + " ("
                            + e.getClass().getSimpleName() + "): is it"
                            + " running? Set --url or PUSHPIPE_NOTIFICATION_SERVICE_URL.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted", e);
        }
    }

    URI uri(String path, Map<String, Object> query) {
        String parameters = query.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return URI.create(url.replaceAll("/+$", "") + path + (parameters.isEmpty() ? "" : "?" + parameters));
    }

    /** The API answered an error or could not be reached; the message says which and what to do. */
    static final class CliFailure extends RuntimeException {
        CliFailure(String message) {
            super(message);
        }

        CliFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The filters every command that selects records takes. */
    static final class Filters {

        @Option(names = "--since", description = "dead-lettered at or after this ISO-8601 instant")
        String since;

        @Option(names = "--until", description = "dead-lettered before this ISO-8601 instant")
        String until;

        @Option(names = "--reason", description = "reason code, for example POISON or INVALID_CREDENTIALS")
        String reason;

        @Option(names = "--exception", description = "part of the exception class name")
        String exception;

        @Option(names = "--event-id", description = "the event id")
        String eventId;

        @Option(names = "--receiver-id", description = "the receiver id (the record key)")
        String receiverId;

        Map<String, Object> asQuery() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("since", since);
            query.put("until", until);
            query.put("reason", reason);
            query.put("exception", exception);
            query.put("event_id", eventId);
            query.put("receiver_id", receiverId);
            return query;
        }
    }

    @Command(name = "list", description = "List dead letters, newest first.")
    static final class ListCommand implements Callable<Integer> {

        @ParentCommand
        DltCli cli;

        @Mixin
        Filters filters;

        @Option(names = "--page", defaultValue = "0", description = "page, from 0")
        int page;

        @Option(names = "--size", defaultValue = "50", description = "records per page, 1 to 500")
        int size;

        @Override
        public Integer call() {
            Map<String, Object> query = filters.asQuery();
            query.put("page", page);
            query.put("size", size);
            JsonNode answer = cli.call(
                    HttpRequest.newBuilder(cli.uri("/admin/dlt", query)).GET());
            PrintWriter out = cli.spec.commandLine().getOut();
            out.printf(
                    "%d dead letters%s; page %d of size %d%n",
                    answer.path("total").asInt(),
                    answer.path("truncated").asBoolean() ? " (more than one scan reads: narrow the filter)" : "",
                    answer.path("page").asInt(),
                    answer.path("size").asInt());
            out.printf(
                    "%-9s %-8s %-24s %-20s %-36s %-36s %s%n",
                    "PARTITION", "OFFSET", "DEAD-LETTERED", "REASON", "EVENT ID", "RECEIVER", "REPLAYED");
            for (JsonNode record : answer.path("records")) {
                out.printf(
                        "%-9d %-8d %-24s %-20s %-36s %-36s %s%n",
                        record.path("partition").asInt(),
                        record.path("offset").asLong(),
                        record.path("timestamp").asString(),
                        record.path("reason").asString("-"),
                        record.path("event_id").asString("-"),
                        record.path("key").asString("-"),
                        record.path("replayed").asBoolean() ? "yes" : "no");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", description = "Show one dead letter with all its headers and its payload.")
    static final class ShowCommand implements Callable<Integer> {

        @ParentCommand
        DltCli cli;

        @Parameters(index = "0", description = "partition in message-sent-dlt")
        int partition;

        @Parameters(index = "1", description = "offset in message-sent-dlt")
        long offset;

        @Override
        public Integer call() {
            JsonNode record =
                    cli.call(HttpRequest.newBuilder(cli.uri("/admin/dlt/" + partition + "/" + offset, Map.of()))
                            .GET());
            cli.spec
                    .commandLine()
                    .getOut()
                    .println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record));
            cli.spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "replay",
            description = "Replay dead letters to their original topic. A dry run unless --yes is given.")
    static final class ReplayCommand implements Callable<Integer> {

        @ParentCommand
        DltCli cli;

        @Mixin
        Filters filters;

        @Option(names = "--record", split = ",", paramLabel = "PARTITION:OFFSET", description = "exact records")
        List<String> records = new ArrayList<>();

        @Option(names = "--yes", description = "really replay; without it, only show what would be replayed")
        boolean yes;

        @Option(names = "--force", description = "replay records that were replayed before, too")
        boolean force;

        @Override
        public Integer call() {
            ObjectNode request = JSON.createObjectNode();
            if (!records.isEmpty()) {
                for (String record : records) {
                    String[] parts = record.split(":");
                    if (parts.length != 2) {
                        throw new CommandLine.ParameterException(
                                cli.spec.commandLine(), "--record takes PARTITION:OFFSET, not '" + record + "'");
                    }
                    request.withArray("records")
                            .addObject()
                            .put("partition", Integer.parseInt(parts[0]))
                            .put("offset", Long.parseLong(parts[1]));
                }
            } else if (filters.eventId != null) {
                request.putArray("event_ids").add(filters.eventId);
            } else {
                ObjectNode filter = request.putObject("filter");
                filters.asQuery().forEach((name, value) -> {
                    if (value != null) {
                        filter.put(name, String.valueOf(value));
                    }
                });
            }
            request.put("dry_run", !yes);
            request.put("force", force);
            JsonNode answer = cli.call(HttpRequest.newBuilder(cli.uri("/admin/dlt/replay", Map.of()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))));
            PrintWriter out = cli.spec.commandLine().getOut();
            out.printf(
                    answer.path("dry_run").asBoolean()
                            ? "DRY RUN: would replay %d of %d selected, skip %d. Add --yes to replay.%n"
                            : "Replayed %d of %d selected, skipped %d.%n",
                    answer.path("replayed").asInt(),
                    answer.path("selected").asInt(),
                    answer.path("skipped").asInt());
            for (JsonNode item : answer.path("items")) {
                out.printf(
                        "  %d:%d %-36s %-12s %s%n",
                        item.path("partition").asInt(),
                        item.path("offset").asLong(),
                        item.path("event_id").asString("-"),
                        item.path("outcome").asString(),
                        item.path("skipped_because").asString(""));
            }
            out.flush();
            return 0;
        }
    }
}
