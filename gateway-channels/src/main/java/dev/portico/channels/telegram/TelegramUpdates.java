package dev.portico.channels.telegram;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.InboundMessage;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads Telegram {@code Update} objects: their id, and the text message one carries, if any.
 * Only {@code message} updates count; a message without text or caption (a sticker, a photo
 * without caption, a service message) carries nothing for the agent.
 */
final class TelegramUpdates {
    private TelegramUpdates() {}

    /**
     * Parses a webhook's body.
     *
     * @param body the raw body
     * @return the update, which has an {@code update_id}
     * @throws IllegalArgumentException when it is not a JSON object with an integer {@code update_id}
     */
    static JsonObject parse(byte[] body) {
        JsonObject update;
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(body))) {
            update = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("body: expected a Telegram Update (a JSON object)");
        }
        if (updateId(update).isEmpty()) {
            throw new IllegalArgumentException("update_id: required (an integer)");
        }
        return update;
    }

    /**
     * The update's id.
     *
     * @param update the update
     * @return {@code update_id}, or empty when it has none
     */
    static OptionalLong updateId(JsonObject update) {
        return integer(update, "update_id");
    }

    /**
     * The text message an update carries.
     *
     * @param update an update with an {@code update_id}
     * @return the message: event id {@code update_id}, chat {@code message.chat.id}, thread
     *     {@code message.message_thread_id} for a topic message, sender {@code message.from.id}
     *     (empty when Telegram names none), text {@code message.text} or else
     *     {@code message.caption}; empty for any other update
     */
    static Optional<InboundMessage> message(JsonObject update) {
        OptionalLong id = updateId(update);
        if (id.isEmpty() || !(update.get("message") instanceof JsonObject message)) {
            return Optional.empty();
        }
        Optional<String> text = string(message, "text").or(() -> string(message, "caption"));
        OptionalLong chat = message.get("chat") instanceof JsonObject c ? integer(c, "id") : OptionalLong.empty();
        if (text.isEmpty() || chat.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> thread = Optional.empty();
        OptionalLong threadId = integer(message, "message_thread_id");
        if (message.getBoolean("is_topic_message", false) && threadId.isPresent()) {
            thread = Optional.of(String.valueOf(threadId.getAsLong()));
        }
        OptionalLong from = message.get("from") instanceof JsonObject f ? integer(f, "id") : OptionalLong.empty();
        return Optional.of(new InboundMessage(String.valueOf(id.getAsLong()), String.valueOf(chat.getAsLong()), thread,
                from.isPresent() ? String.valueOf(from.getAsLong()) : "", text.get(), Map.of()));
    }

    /**
     * An integer member.
     *
     * @param o the object
     * @param name the member
     * @return its value, or empty when it is absent, not a number or not an integer that fits a long
     */
    static OptionalLong integer(JsonObject o, String name) {
        if (o.get(name) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return OptionalLong.of(n.longValueExact());
            } catch (ArithmeticException tooLarge) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /**
     * A string member.
     *
     * @param o the object
     * @param name the member
     * @return its value, or empty when it is absent, not a string or empty
     */
    static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s && !s.getString().isEmpty() ? Optional.of(s.getString())
                : Optional.empty();
    }
}
