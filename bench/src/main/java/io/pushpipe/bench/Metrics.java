package io.pushpipe.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** A service's Prometheus counters and timers, summed over their labels: where the time goes. */
final class Metrics {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    static Map<String, Double> scrape(ServiceProcess service) {
        Map<String, Double> values = new HashMap<>();
        try {
            String body = HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + service.port() + "/actuator/prometheus"))
                                    .header("Authorization", "Bearer " + Pipeline.ADMIN_TOKEN)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String line : body.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                int brace = line.indexOf('{');
                String name = line.substring(0, brace > 0 && brace < space ? brace : space);
                values.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            }
        } catch (IOException | NumberFormatException e) {
            return values;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return values;
    }

    /** The mean of a timer between two scrapes, in milliseconds. */
    static double meanMillis(Map<String, Double> before, Map<String, Double> after, String timer) {
        double count = delta(before, after, timer + "_count");
        return count == 0 ? Double.NaN : delta(before, after, timer + "_sum") / count * 1000;
    }

    static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }
}
