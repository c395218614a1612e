package dev.portico.api.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened in the gateway, such as {@code agent.run.completed}.
 *
 * @param seq a number that grows with every event of one gateway
 * @param type the event name
 * @param time when it happened
 * @param data the event's fields (JSON-compatible values: strings, numbers, booleans, lists, maps)
 */
public record GatewayEvent(long seq, String type, Instant time, Map<String, Object> data) {

    /**
     * Validates the parts and copies the data.
     *
     * @param seq the sequence number
     * @param type the event name
     * @param time when it happened
     * @param data the fields
     */
    public GatewayEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        data = Map.copyOf(data);
    }
}
