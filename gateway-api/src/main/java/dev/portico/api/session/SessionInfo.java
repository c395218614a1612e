package dev.portico.api.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the session index knows about one session.
 *
 * @param key the session key
 * @param channel the channel it belongs to ({@code api}, {@code webchat}, {@code telegram}, {@code cron}, …)
 * @param chatId the chat within the channel, when known
 * @param agentId the agent that serves it, when one was named
 * @param createdAt when it was created
 * @param updatedAt when a message was last appended (or its creation)
 * @param messageCount how many messages it holds
 */
public record SessionInfo(SessionKey key, String channel, Optional<String> chatId, Optional<String> agentId,
        Instant createdAt, Instant updatedAt, long messageCount) {

    /**
     * Validates the parts.
     *
     * @param key the key
     * @param channel the channel
     * @param chatId the chat id
     * @param agentId the agent id
     * @param createdAt the creation time
     * @param updatedAt the last update
     * @param messageCount the message count, &gt;= 0
     */
    public SessionInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (messageCount < 0) {
            throw new IllegalArgumentException("messageCount: " + messageCount + " (expected: >= 0)");
        }
    }

    /**
     * Whether the session is internal (scheduled jobs, heartbeats): hidden from listings unless asked for.
     *
     * @return true for the {@code cron} and {@code heartbeat} channels
     */
    public boolean internal() {
        return SessionMeta.isInternalChannel(channel);
    }
}
