package dev.portico.core;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link SessionStore} in memory: fast, and gone when the process ends. The default store, and
 * the one to use in tests.
 */
public final class InMemorySessionStore implements SessionStore {
    private final Map<SessionKey, List<Message>> sessions = new ConcurrentSkipListMap<>();

    /** Creates an empty store. */
    public InMemorySessionStore() {}

    @Override
    public void append(SessionKey key, Message message) {
        List<Message> messages = sessions.computeIfAbsent(key, k -> new ArrayList<>());
        synchronizedAppend(messages, message);
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
            int from = Math.max(0, messages.size() - limit);
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
        return List.copyOf(sessions.keySet());
    }

    private static void synchronizedAppend(List<Message> messages, Message message) {
        // Short, non-blocking critical section: a monitor is fine here.
        synchronized (messages) {
            messages.add(message);
        }
    }
}
