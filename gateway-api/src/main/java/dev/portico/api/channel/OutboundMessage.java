package dev.portico.api.channel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One message for a channel to send: a whole message, or one part of a message longer than the
 * channel takes.
 *
 * @param messageId the outbox's id of the message this is (or is a part of)
 * @param idempotencyKey unique per part and stable across retries and restarts: a platform that
 *     takes one (a request header) drops a repeat
 * @param chatId where it goes
 * @param threadId the thread within the chat, when it goes to one
 * @param text the text, no longer than the channel's maximum
 * @param replyContext the {@link InboundMessage#replyContext()} of the message this answers; empty
 *     for messages that answer nothing
 * @param attempt 1 for the first try, then 2, 3, …
 */
public record OutboundMessage(String messageId, String idempotencyKey, String chatId, Optional<String> threadId,
        String text, Map<String, String> replyContext, int attempt) {

    /**
     * Validates and copies.
     *
     * @param messageId not blank
     * @param idempotencyKey not blank
     * @param chatId not blank
     * @param threadId not null
     * @param text not null
     * @param replyContext not null
     * @param attempt &gt;= 1
     */
    public OutboundMessage {
        InboundMessage.requireText(messageId, "messageId");
        InboundMessage.requireText(idempotencyKey, "idempotencyKey");
        InboundMessage.requireText(chatId, "chatId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(text, "text");
        replyContext = Map.copyOf(replyContext);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
    }
}
