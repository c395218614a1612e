package dev.portico.api.session;

import java.time.Instant;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role who wrote it
 * @param content the text
 * @param timestamp when it was written
 */
public record Message(Role role, String content, Instant timestamp) {

    /**
     * Validates the parts.
     *
     * @param role who wrote it
     * @param content the text
     * @param timestamp when it was written
     */
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * A user message.
     *
     * @param content the text
     * @param timestamp when it was written
     * @return the message
     */
    public static Message user(String content, Instant timestamp) {
        return new Message(Role.USER, content, timestamp);
    }

    /**
     * An assistant message.
     *
     * @param content the text
     * @param timestamp when it was written
     * @return the message
     */
    public static Message assistant(String content, Instant timestamp) {
        return new Message(Role.ASSISTANT, content, timestamp);
    }
}
