package dev.portico.api.channel;

import java.util.Objects;
import java.util.Set;

/**
 * The chats and users a channel accepts messages from, by the platform's stable ids (numeric where
 * the platform has them, never a user name, which its owner can change). A message passes when its
 * chat is allowed and its sender is allowed; an empty set allows everyone.
 *
 * @param chats the chat ids allowed; empty for any
 * @param users the user ids allowed; empty for any
 */
public record AllowList(Set<String> chats, Set<String> users) {
    /** Allows every chat and every user. */
    public static final AllowList ANYONE = new AllowList(Set.of(), Set.of());

    /**
     * Copies the sets.
     *
     * @param chats the chat ids
     * @param users the user ids
     */
    public AllowList {
        chats = Set.copyOf(Objects.requireNonNull(chats, "chats"));
        users = Set.copyOf(Objects.requireNonNull(users, "users"));
    }

    /**
     * Whether a message from this chat and user is accepted.
     *
     * @param chatId the chat
     * @param userId the sender
     * @return true when both are allowed
     */
    public boolean allows(String chatId, String userId) {
        return (chats.isEmpty() || chats.contains(chatId)) && (users.isEmpty() || users.contains(userId));
    }
}
