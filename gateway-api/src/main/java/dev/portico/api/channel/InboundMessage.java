package dev.portico.api.channel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message a person sent the agent through a channel.
 *
 * @param eventId the platform's id of the event that carried it ({@code update_id}, {@code event_id},
 *     an interaction id, {@code webhook-id}): a repeat with the same id is dropped
 * @param chatId the chat it was written in; the reply goes there
 * @param threadId the thread within the chat, when it was written in one
 * @param userId the sender's stable id on the platform
 * @param text what was written
 * @param replyContext what the channel needs to send the reply that a chat id does not say (an
 *     interaction token); copied into the reply's {@link OutboundMessage#replyContext()}
 */
public record InboundMessage(String eventId, String chatId, Optional<String> threadId, String userId, String text,
        Map<String, String> replyContext) {

    /**
     * Validates and copies.
     *
     * @param eventId not blank
     * @param chatId not blank
     * @param threadId not null
     * @param userId not null
     * @param text not null
     * @param replyContext not null
     */
    public InboundMessage {
        requireText(eventId, "eventId");
        requireText(chatId, "chatId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(text, "text");
        replyContext = Map.copyOf(replyContext);
    }

    /**
     * A message outside any thread, without reply context.
     *
     * @param eventId the event id
     * @param chatId the chat
     * @param userId the sender
     * @param text the text
     * @return the message
     */
    public static InboundMessage of(String eventId, String chatId, String userId, String text) {
        return new InboundMessage(eventId, chatId, Optional.empty(), userId, text, Map.of());
    }

    static void requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + ": must not be blank");
        }
    }
}
