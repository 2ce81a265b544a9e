package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.Answer.JSON;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What people and scripts look at: the lock-screen page at {@code /}, the notifications it shows as JSON at
 * {@value ExpoSandbox#NOTIFICATIONS_PATH}, and the 429s per second at {@value ExpoSandbox#REJECTED_PATH}.
 */
final class SandboxPage {

    private final Recording recording;

    SandboxPage(Recording recording) {
        this.recording = recording;
    }

    void page(HttpExchange exchange) throws IOException {
        try (InputStream page = SandboxPage.class.getResourceAsStream("index.html")) {
            if (!"/".equals(exchange.getRequestURI().getPath()) || page == null) {
                Answer.error(
                                404,
                                "NOT_FOUND",
                                "The sandbox serves /, " + ExpoSandbox.SEND_PATH + ", " + ExpoSandbox.RECEIPTS_PATH
                                        + ", " + ExpoSandbox.NOTIFICATIONS_PATH + " and " + ExpoSandbox.REJECTED_PATH)
                        .sendTo(exchange);
                return;
            }
            new Answer(200, "text/html; charset=utf-8", page.readAllBytes()).sendTo(exchange);
        } finally {
            exchange.close();
        }
    }

    void notifications(HttpExchange exchange) throws IOException {
        try {
            ArrayNode list = JSON.createArrayNode();
            for (ReceivedNotification n : recording.notifications()) {
                ObjectNode item = list.addObject();
                item.put("to", n.to());
                item.put("title", n.title());
                item.put("body", n.body());
                item.set("data", JSON.valueToTree(n.data()));
                item.put("priority", n.priority());
                item.put("ticket_id", n.ticketId());
                item.put("received_at", n.receivedAt().toString());
            }
            Answer.json(list).sendTo(exchange);
        } finally {
            exchange.close();
        }
    }

    /** {@code [{"second": "2026-01-01T12:00:03Z", "rejected": 4}, ...]}, oldest first, seconds with a 429 only. */
    void rejectedPerSecond(HttpExchange exchange) throws IOException {
        try {
            ArrayNode list = JSON.createArrayNode();
            recording
                    .rejectedPerSecond()
                    .forEach((second, count) ->
                            list.addObject().put("second", second.toString()).put("rejected", count));
            Answer.json(list).sendTo(exchange);
        } finally {
            exchange.close();
        }
    }
}
