package io.pushpipe.exposandbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** An HTTP answer of the sandbox (status, content type, body), and the reading and writing of exchanges. */
record Answer(int status, String contentType, byte[] body) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Answer json(JsonNode body) {
        return new Answer(200, "application/json", JSON.writeValueAsBytes(body));
    }

    /** Expo's whole-request error body: {@code {"errors": [{"code", "message", "details"?}]}}. */
    static Answer error(int status, String code, String message) {
        return error(status, code, message, null);
    }

    static Answer error(int status, String code, String message, JsonNode details) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        if (details != null) {
            error.set("details", details);
        }
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").add(error);
        return new Answer(status, "application/json", JSON.writeValueAsBytes(body));
    }

    void sendTo(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static boolean gzipped(HttpExchange exchange) {
        return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
    }

    /** The request body, gunzipped when it says it is gzip-compressed. */
    static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream raw = exchange.getRequestBody()) {
            byte[] bytes = raw.readAllBytes();
            if (!gzipped(exchange)) {
                return bytes;
            }
            try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return unzipped.readAllBytes();
            }
        }
    }
}
