package dev.portico.api.session;

import java.util.Objects;
import java.util.Optional;

/**
 * What a session is created with: its channel, chat and agent.
 *
 * @param channel the channel
 * @param chatId the chat within the channel, when known
 * @param agentId the agent that serves it, when named
 */
public record SessionMeta(String channel, Optional<String> chatId, Optional<String> agentId) {

    /**
     * Validates the parts.
     *
     * @param channel the channel, not blank
     * @param chatId the chat id
     * @param agentId the agent id
     */
    public SessionMeta {
        Objects.requireNonNull(channel, "channel");
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel: must not be blank");
        }
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(agentId, "agentId");
    }

    /**
     * The metadata a key implies: {@code telegram:acct:42} is channel {@code telegram}, chat
     * {@code 42}; {@code webchat:abc} is channel {@code webchat}, chat {@code abc};
     * {@code cron:job-1} is channel {@code cron}, chat {@code job-1}; a key without {@code :} (such
     * as {@code main}) is channel {@code api} with no chat.
     *
     * @param key the key
     * @return the implied metadata, without an agent
     */
    public static SessionMeta of(SessionKey key) {
        String v = key.value();
        int first = v.indexOf(':');
        if (first < 0) {
            return new SessionMeta("api", Optional.empty(), Optional.empty());
        }
        String channel = v.substring(0, first);
        String rest = v.substring(first + 1);
        int thread = rest.indexOf(":thread:");
        if (thread >= 0) {
            rest = rest.substring(0, thread);
        }
        int last = rest.lastIndexOf(':');
        String chat = last < 0 ? rest : rest.substring(last + 1);
        return new SessionMeta(channel.isEmpty() ? "api" : channel,
                chat.isEmpty() ? Optional.empty() : Optional.of(chat), Optional.empty());
    }

    /**
     * Whether sessions of a channel are internal (hidden from listings unless asked for).
     *
     * @param channel the channel
     * @return true for {@code cron} and {@code heartbeat}
     */
    public static boolean isInternalChannel(String channel) {
        return channel.equals("cron") || channel.equals("heartbeat");
    }
}
