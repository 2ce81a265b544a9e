package io.pushpipe.notificationservice.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A consumed record kept in a table until it is dealt with (a dead letter to publish, an event deferred for
 * its receiver): the columns {@code topic}, {@code record_partition}, {@code record_offset}, {@code
 * record_timestamp}, {@code record_key}, {@code record_value} and {@code record_headers} (jsonb, values in
 * base64), written and read back the same way everywhere.
 */
@Component
class StoredRecords {

    /** The columns, for a select list. */
    static final String COLUMNS = "topic, record_partition, record_offset, record_timestamp, record_key,"
            + " record_value, record_headers::text as record_headers";

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final JsonMapper json;

    StoredRecords(JsonMapper json) {
        this.json = json;
    }

    /** The record's columns as parameters {@code topic, partition, offset, timestamp, key, value, headers}. */
    MapSqlParameterSource parameters(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), Base64.getEncoder().encodeToString(header.value()));
        }
        return new MapSqlParameterSource()
                .addValue("topic", record.topic())
                .addValue("partition", record.partition())
                .addValue("offset", record.offset())
                .addValue("timestamp", record.timestamp())
                .addValue("key", record.key())
                .addValue("value", record.value())
                .addValue("headers", json.writeValueAsString(headers));
    }

    /** The record of the current row, selected with {@link #COLUMNS}. */
    ConsumerRecord<String, byte[]> read(ResultSet rs) throws SQLException {
        Headers headers = new RecordHeaders();
        json.readValue(rs.getString("record_headers"), HEADERS)
                .forEach((key, value) -> headers.add(key, Base64.getDecoder().decode(value)));
        return new ConsumerRecord<>(
                rs.getString("topic"),
                rs.getInt("record_partition"),
                rs.getLong("record_offset"),
                rs.getLong("record_timestamp"),
                TimestampType.CREATE_TIME,
                -1,
                -1,
                rs.getString("record_key"),
                rs.getBytes("record_value"),
                headers,
                Optional.empty());
    }
}
