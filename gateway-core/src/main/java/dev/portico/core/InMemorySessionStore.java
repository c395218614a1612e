package dev.portico.core;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SessionStore} in memory: fast, and gone when the process ends. The default store, and
 * the one to use in tests.
 *
 * <p>Memory stays bounded: each session keeps its most recent {@code maxMessagesPerSession}
 * messages (10,000 by default) and drops older ones.
 */
public final class InMemorySessionStore implements SessionStore {
    /** The default bound on messages kept per session. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SESSION = 10_000;

    private final Map<SessionKey, List<Message>> sessions = new ConcurrentHashMap<>();
    private final int maxMessages;

    /** Creates an empty store keeping up to 10,000 messages per session. */
    public InMemorySessionStore() {
        this(DEFAULT_MAX_MESSAGES_PER_SESSION);
    }

    /**
     * Creates an empty store.
     *
     * @param maxMessagesPerSession how many recent messages each session keeps, &gt; 0
     */
    public InMemorySessionStore(int maxMessagesPerSession) {
        if (maxMessagesPerSession <= 0) {
            throw new IllegalArgumentException("maxMessagesPerSession: " + maxMessagesPerSession + " (expected: > 0)");
        }
        this.maxMessages = maxMessagesPerSession;
    }

    @Override
    public void append(SessionKey key, Message message) {
        List<Message> messages = sessions.computeIfAbsent(key, k -> new ArrayList<>());
        // Short critical sections that never block: a monitor is fine here.
        synchronized (messages) {
            messages.add(message);
            // Trim in batches (at 125% of the bound) so an append stays amortised O(1).
            if (messages.size() > maxMessages + maxMessages / 4) {
                messages.subList(0, messages.size() - maxMessages).clear();
            }
        }
    }

    @Override
    public List<Message> history(SessionKey key, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        List<Message> messages = sessions.get(key);
        if (messages == null) {
            return List.of();
        }
        synchronized (messages) {
            int from = Math.max(0, messages.size() - Math.min(limit, maxMessages));
            return List.copyOf(messages.subList(from, messages.size()));
        }
    }

    @Override
    public boolean exists(SessionKey key) {
        return sessions.containsKey(key);
    }

    @Override
    public boolean delete(SessionKey key) {
        return sessions.remove(key) != null;
    }

    @Override
    public List<SessionKey> keys() {
        return sessions.keySet().stream().sorted().toList();
    }
}
