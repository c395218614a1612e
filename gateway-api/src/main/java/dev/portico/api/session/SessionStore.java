package dev.portico.api.session;

import java.util.List;

/**
 * Where conversations are kept. Implementations are safe for concurrent use; appends to one
 * session keep their order.
 */
public interface SessionStore {

    /**
     * Appends a message, creating the session when it does not exist yet.
     *
     * @param key the session
     * @param message the message
     */
    void append(SessionKey key, Message message);

    /**
     * The most recent messages of a session, oldest first.
     *
     * @param key the session
     * @param limit the most messages to return, &gt; 0
     * @return at most {@code limit} messages; empty when the session does not exist
     */
    List<Message> history(SessionKey key, int limit);

    /**
     * Whether the session exists.
     *
     * @param key the session
     * @return true when at least one message was appended and the session was not deleted
     */
    boolean exists(SessionKey key);

    /**
     * Deletes a session and its messages.
     *
     * @param key the session
     * @return true when it existed
     */
    boolean delete(SessionKey key);

    /**
     * The keys of every session, sorted.
     *
     * @return the keys
     */
    List<SessionKey> keys();
}
