package dev.portico.api.channel;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message in the outbox: where it goes, what it says, and how far its delivery has come.
 *
 * @param id the outbox's id (the {@code message_id} the API answers)
 * @param channel the channel's name
 * @param accountId the channel's account
 * @param chatId where it goes
 * @param threadId the thread within the chat
 * @param text the whole text (split into parts when sent, if longer than the channel takes)
 * @param replyContext what the channel needs to answer the message this replies to
 * @param source what produced it: {@code api}, {@code reply} or {@code cron}
 * @param idempotencyKey the caller's {@code Idempotency-Key}, when it sent one
 * @param fingerprint a digest of the request that carried the key, to tell a repeat from a reuse
 * @param createdAt when it was accepted; it expires some time after
 * @param status where it stands
 * @param partsSent how many of its parts the platform has taken (a retry resumes after them)
 * @param attempts how many sends of its current part have been tried
 * @param nextAttempt when the next try is due, for a pending message
 * @param lastError why the last try failed, if it did
 * @param platformMessageId the platform's id of the last part delivered
 */
public record OutboxMessage(String id, String channel, String accountId, String chatId, Optional<String> threadId,
        String text, Map<String, String> replyContext, String source, Optional<String> idempotencyKey,
        Optional<String> fingerprint, Instant createdAt, DeliveryStatus status, int partsSent, int attempts,
        Instant nextAttempt, Optional<String> lastError, Optional<String> platformMessageId) {

    /**
     * Validates and copies.
     *
     * @param id not blank
     * @param channel not blank
     * @param accountId not blank
     * @param chatId not blank
     * @param threadId not null
     * @param text not null
     * @param replyContext not null
     * @param source not null
     * @param idempotencyKey not null
     * @param fingerprint not null
     * @param createdAt not null
     * @param status not null
     * @param partsSent &gt;= 0
     * @param attempts &gt;= 0
     * @param nextAttempt not null
     * @param lastError not null
     * @param platformMessageId not null
     */
    public OutboxMessage {
        InboundMessage.requireText(id, "id");
        InboundMessage.requireText(channel, "channel");
        InboundMessage.requireText(accountId, "accountId");
        InboundMessage.requireText(chatId, "chatId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(text, "text");
        replyContext = Map.copyOf(replyContext);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(platformMessageId, "platformMessageId");
        if (partsSent < 0 || attempts < 0) {
            throw new IllegalArgumentException("partsSent and attempts: >= 0");
        }
    }

    /**
     * A new pending message, due at once.
     *
     * @param id the id
     * @param channel the channel's name
     * @param accountId the account
     * @param chatId the chat
     * @param threadId the thread
     * @param text the text
     * @param replyContext the reply context
     * @param source what produced it
     * @param idempotencyKey the caller's key
     * @param fingerprint the digest of the request that carried the key
     * @param createdAt when it was accepted
     * @return the message
     */
    public static OutboxMessage pending(String id, String channel, String accountId, String chatId,
            Optional<String> threadId, String text, Map<String, String> replyContext, String source,
            Optional<String> idempotencyKey, Optional<String> fingerprint, Instant createdAt) {
        return new OutboxMessage(id, channel, accountId, chatId, threadId, text, replyContext, source, idempotencyKey,
                fingerprint, createdAt, DeliveryStatus.PENDING, 0, 0, createdAt, Optional.empty(), Optional.empty());
    }

    /**
     * This message after a try that did not finish it.
     *
     * @param partsSent the parts taken so far
     * @param attempts tries of the current part
     * @param nextAttempt when to try again
     * @param error why the try failed, if it did
     * @param platformMessageId the platform's id of the last part delivered
     * @return the message
     */
    public OutboxMessage progressed(int partsSent, int attempts, Instant nextAttempt, Optional<String> error,
            Optional<String> platformMessageId) {
        return new OutboxMessage(id, channel, accountId, chatId, threadId, text, replyContext, source, idempotencyKey,
                fingerprint, createdAt, status, partsSent, attempts, nextAttempt, error, platformMessageId);
    }

    /**
     * This message, finished.
     *
     * @param status a terminal status
     * @param error why, unless delivered
     * @return the message
     */
    public OutboxMessage finished(DeliveryStatus status, Optional<String> error) {
        if (!status.terminal()) {
            throw new IllegalArgumentException("status: " + status + " (expected: a terminal status)");
        }
        return new OutboxMessage(id, channel, accountId, chatId, threadId, text, replyContext, source, idempotencyKey,
                fingerprint, createdAt, status, partsSent, attempts, nextAttempt, error, platformMessageId);
    }
}
