package dev.portico.channels.webhook;

import dev.portico.channels.JsonBodies;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The JSON a webhook sender posts: one message, either bare
 * ({@code {"chat_id","text","user_id"?,"thread_id"?,"id"?}}, the text also as {@code message} or
 * {@code content}) or in an envelope ({@code {"event":"message","data":{…}}}). Ids may be JSON
 * strings or numbers; a number is read as its decimal text.
 */
final class WebhookPayload {
    /** The names the text may go by, in the order they are looked for. */
    private static final List<String> TEXT_FIELDS = List.of("text", "message", "content");
    /** How many digits an id's number may spread before or after its point once written out. */
    private static final int MAX_NUMBER_SCALE = 64;
    private static final String MESSAGE_EVENT = "message";

    private WebhookPayload() {}

    /**
     * The fields of one message.
     *
     * @param chatId the chat
     * @param text the text
     * @param userId the sender; the chat when the body names none
     * @param threadId the thread, if named
     * @param id the body's id of the message, if it has one
     */
    record Fields(String chatId, String text, String userId, Optional<String> threadId, Optional<String> id) {}

    /**
     * Reads a body.
     *
     * @param body the raw body, already verified
     * @return the message; empty for an enveloped event other than {@code message}
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    static Optional<Fields> read(byte[] body) {
        JsonObject root = JsonBodies.object(body);
        JsonObject fields = root;
        Optional<String> envelopeId = Optional.empty();
        if (present(root.get("event"))) {
            if (!(root.get("event") instanceof JsonString event)) {
                throw new IllegalArgumentException("event: expected a string");
            }
            if (!MESSAGE_EVENT.equals(event.getString())) {
                return Optional.empty();
            }
            if (!(root.get("data") instanceof JsonObject data)) {
                throw new IllegalArgumentException("data: required (an object holding the message)");
            }
            fields = data;
            envelopeId = id(root, "id");
        }
        String chatId = id(fields, "chat_id").orElseThrow(() -> new IllegalArgumentException("chat_id: required"));
        String text = text(fields);
        String userId = id(fields, "user_id").orElse(chatId);
        Optional<String> threadId = id(fields, "thread_id");
        Optional<String> id = id(fields, "id");
        return Optional.of(new Fields(chatId, text, userId, threadId, id.isPresent() ? id : envelopeId));
    }

    private static String text(JsonObject fields) {
        for (String name : TEXT_FIELDS) {
            JsonValue value = fields.get(name);
            if (!present(value)) {
                continue;
            }
            if (!(value instanceof JsonString s)) {
                throw new IllegalArgumentException(name + ": expected a string");
            }
            if (s.getString().isBlank()) {
                throw new IllegalArgumentException(name + ": must not be blank");
            }
            return s.getString();
        }
        throw new IllegalArgumentException("text: required (as text, message or content)");
    }

    /** A string or number field, as text; empty when absent, null or a blank string. */
    private static Optional<String> id(JsonObject o, String name) {
        JsonValue value = o.get(name);
        if (!present(value)) {
            return Optional.empty();
        }
        if (value instanceof JsonString s) {
            return s.getString().isBlank() ? Optional.empty() : Optional.of(s.getString());
        }
        if (value instanceof JsonNumber n) {
            BigDecimal d = n.bigDecimalValue().stripTrailingZeros();
            if (d.scale() < -MAX_NUMBER_SCALE || d.scale() > MAX_NUMBER_SCALE) {
                throw new IllegalArgumentException(name + ": a number too large or too long to be an id");
            }
            return Optional.of(d.toPlainString());
        }
        throw new IllegalArgumentException(name + ": expected a string or a number");
    }

    private static boolean present(JsonValue value) {
        return value != null && value.getValueType() != JsonValue.ValueType.NULL;
    }
}
