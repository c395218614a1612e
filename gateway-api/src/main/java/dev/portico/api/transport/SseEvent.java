package dev.portico.api.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * One server-sent event.
 *
 * @param id the {@code id:} field, when present
 * @param name the {@code event:} field, when present
 * @param data the {@code data:} field; newlines split it across several {@code data:} lines
 */
public record SseEvent(Optional<String> id, Optional<String> name, String data) {

    /**
     * Validates the fields: {@code id} and {@code name} must not contain a line break.
     *
     * @param id the id
     * @param name the event name
     * @param data the data
     */
    public SseEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        id.ifPresent(v -> requireSingleLine("id", v));
        name.ifPresent(v -> requireSingleLine("name", v));
    }

    /**
     * An event with an id and a name.
     *
     * @param id the id
     * @param name the event name
     * @param data the data
     * @return the event
     */
    public static SseEvent of(String id, String name, String data) {
        return new SseEvent(Optional.of(id), Optional.of(name), data);
    }

    /**
     * An unnamed event without an id (a plain {@code message} event).
     *
     * @param data the data
     * @return the event
     */
    public static SseEvent data(String data) {
        return new SseEvent(Optional.empty(), Optional.empty(), data);
    }

    private static void requireSingleLine(String field, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(field + ": must not contain a line break");
        }
    }
}
