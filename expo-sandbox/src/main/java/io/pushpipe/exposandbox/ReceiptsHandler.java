package io.pushpipe.exposandbox;

import static io.pushpipe.exposandbox.Answer.JSON;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /--/api/v2/push/getReceipts}: a receipt for every ticket id still kept, none for the others.
 *
 * @param faults the latency a test has set
 * @param recording the tickets kept, and where receipt requests go
 */
record ReceiptsHandler(FaultSwitches faults, Recording recording) implements HttpHandler {

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            faults.pause();
            receipts(exchange).sendTo(exchange);
        } finally {
            exchange.close();
        }
    }

    private Answer receipts(HttpExchange exchange) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(Answer.readBody(exchange));
        } catch (JacksonException e) {
            return Answer.error(400, "VALIDATION_ERROR", e.getMessage());
        }
        List<String> ids = new ArrayList<>();
        request.path("ids").forEach(id -> ids.add(id.asString()));
        recording.receiptRequest(ids);
        if (ids.size() > ExpoSandbox.MAX_RECEIPT_IDS_PER_REQUEST) {
            return Answer.error(
                    400, "PUSH_TOO_MANY_RECEIPTS", "You are trying to get more than 1000 receipts in one request");
        }
        ObjectNode data = JSON.createObjectNode();
        for (String id : ids) {
            recording.ticket(id).ifPresent(notification -> data.set(id, ExpoSemantics.receipt(notification.to())));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("data", data);
        return Answer.json(response);
    }
}
