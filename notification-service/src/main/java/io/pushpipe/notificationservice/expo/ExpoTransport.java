package io.pushpipe.notificationservice.expo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One POST to the Expo Push API as Expo asks for it: JSON, gzip above the threshold, the access token when
 * set, a timeout; and its answer parsed. Knows nothing of what the answer means.
 */
@Component
class ExpoTransport {

    static final String SEND_PATH = "/--/api/v2/push/send";
    static final String RECEIPTS_PATH = "/--/api/v2/push/getReceipts";

    private final ExpoProperties settings;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final URI base;

    ExpoTransport(ExpoProperties settings, JsonMapper json, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.meters = meters;
        this.base = URI.create(settings.baseUrl().toString().replaceAll("/+$", ""));
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Posts the body as JSON to the path and answers Expo's status and parsed body.
     *
     * @throws ExpoUnavailableException when no answer came (network error, timeout)
     */
    Answer post(String path, Object body) {
        return prepare(path, body).send();
    }

    /**
     * The request, serialised and compressed, ready to go: what is left to do when it is sent is the
     * network, so that a request booked for a moment leaves at that moment.
     */
    Prepared prepare(String path, Object body) {
        byte[] bytes = json.writeValueAsBytes(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Accept-Encoding", "gzip");
        if (bytes.length > settings.gzipThresholdBytes()) {
            bytes = gzip(bytes);
            request.header("Content-Encoding", "gzip");
        }
        if (settings.accessToken() != null && !settings.accessToken().isBlank()) {
            request.header("Authorization", "Bearer " + settings.accessToken());
        }
        return new Prepared(
                request.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    /** A request ready to be sent, as often as it is retried. */
    final class Prepared {

        private final HttpRequest request;

        private Prepared(HttpRequest request) {
            this.request = request;
        }

        /**
         * Sends it and answers Expo's status and parsed body.
         *
         * @throws ExpoUnavailableException when no answer came (network error, timeout)
         */
        Answer send() {
            Timer.Sample sample = Timer.start(meters);
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                sample.stop(latency("io_error"));
                throw new ExpoUnavailableException("no answer from Expo: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExpoUnavailableException("interrupted while waiting for Expo", e);
            }
            sample.stop(latency(String.valueOf(response.statusCode())));
            return new Answer(response.statusCode(), parse(response));
        }
    }

    private JsonNode parse(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        try {
            if (response.headers()
                    .firstValue("Content-Encoding")
                    .filter("gzip"::equalsIgnoreCase)
                    .isPresent()) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException | IOException e) {
            return null;
        }
    }

    private Timer latency(String status) {
        return Timer.builder("pushpipe.expo.request.latency")
                .description("Time for one request to the Expo Push API, by HTTP status")
                .tag("status", status)
                .publishPercentileHistogram()
                .register(meters);
    }

    /** The fastest level: push bodies repeat themselves, so it still shrinks them about tenfold. */
    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(zipped) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    /**
     * Expo's answer.
     *
     * @param status the HTTP status
     * @param body the JSON object Expo answered, or {@code null} when the body was not one
     */
    record Answer(int status, JsonNode body) {

        /** 429, 5xx or no JSON at all: Expo could not take the request now. */
        boolean unavailable() {
            return status == 429 || status >= 500 || body == null;
        }

        /** Expo's first request error, as a rejection. */
        ExpoRejectedException rejection() {
            JsonNode first = body == null ? null : body.path("errors").path(0);
            return first == null
                    ? new ExpoRejectedException("HTTP_" + status, "Expo answered " + status + " without JSON", null)
                    : new ExpoRejectedException(
                            first.path("code").asString("HTTP_" + status),
                            first.path("message").asString("Expo answered " + status),
                            first.get("details"));
        }

        /** The status and Expo's first error, for a log line or an exception. */
        String describe() {
            if (body == null) {
                return status + " (not JSON)";
            }
            JsonNode first = body.path("errors").path(0);
            return first.isMissingNode()
                    ? String.valueOf(status)
                    : status + " " + first.path("code").asString() + ": "
                            + first.path("message").asString();
        }
    }
}
