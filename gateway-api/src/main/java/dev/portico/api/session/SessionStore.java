package dev.portico.api.session;

import java.util.List;
import java.util.Optional;

/**
 * Where conversations are kept: one ordered transcript per session plus an index of sessions.
 * Implementations are safe for concurrent use; appends to one session keep their order.
 *
 * <p>Portico ships an in-memory store (the default for embedding and tests) and a file store (one
 * append-only JSONL transcript per session plus an index, the packaged server's default). The same
 * contract tests run against both.
 */
public interface SessionStore extends AutoCloseable {

    /**
     * Creates a session when it does not exist yet; an existing session is returned unchanged.
     *
     * @param key the session
     * @param meta its channel, chat and agent
     * @return the session's index entry
     */
    SessionInfo create(SessionKey key, SessionMeta meta);

    /**
     * Appends a message, creating the session (with {@link SessionMeta#of(SessionKey)}) when it
     * does not exist yet. When this returns, the message is visible to readers; how soon it is on
     * disk depends on the store's durability policy.
     *
     * @param key the session
     * @param message the message
     */
    void append(SessionKey key, Message message);

    /**
     * A page of messages, oldest first: the latest {@code limit} messages whose transcript index
     * is below {@code before}.
     *
     * @param key the session
     * @param limit the most messages to return, &gt; 0
     * @param before only messages with a smaller index; {@link Long#MAX_VALUE} for the latest
     * @return the page; empty when the session does not exist
     */
    HistoryPage history(SessionKey key, int limit, long before);

    /**
     * The most recent messages of a session, oldest first.
     *
     * @param key the session
     * @param limit the most messages to return, &gt; 0
     * @return at most {@code limit} messages; empty when the session does not exist
     */
    default List<Message> history(SessionKey key, int limit) {
        return history(key, limit, Long.MAX_VALUE).messages();
    }

    /**
     * The index entry of a session.
     *
     * @param key the session
     * @return the entry, or empty when the session does not exist
     */
    Optional<SessionInfo> info(SessionKey key);

    /**
     * Whether the session exists.
     *
     * @param key the session
     * @return true when it was created or appended to and not deleted
     */
    default boolean exists(SessionKey key) {
        return info(key).isPresent();
    }

    /**
     * Lists sessions, most recently updated first.
     *
     * @param query filters, offset and limit
     * @return the selected sessions
     */
    List<SessionInfo> list(SessionQuery query);

    /**
     * How many sessions pass the query's filters (offset and limit aside).
     *
     * @param query the filters
     * @return the count
     */
    long count(SessionQuery query);

    /**
     * Deletes a session and its messages.
     *
     * @param key the session
     * @return true when it existed
     */
    boolean delete(SessionKey key);

    /** Flushes what is pending and releases files; the store is not used afterwards. */
    @Override
    default void close() {}
}
