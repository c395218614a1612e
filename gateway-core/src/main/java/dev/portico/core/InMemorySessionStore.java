package dev.portico.core;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SessionStore} in memory: fast, and gone when the process ends. The default store for
 * embedding, and the one to use in tests.
 *
 * <p>Memory stays bounded: each session keeps its most recent {@code maxMessagesPerSession}
 * messages (10,000 by default) and drops older ones; transcript indexes keep counting from the
 * first message ever appended.
 */
public final class InMemorySessionStore implements SessionStore {
    /** The default bound on messages kept per session. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SESSION = 10_000;

    private final Map<SessionKey, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxMessages;

    /** One session; its fields are guarded by its own monitor (short, non-blocking sections). */
    private static final class Session {
        final SessionKey key;
        final SessionMeta meta;
        final Instant createdAt;
        final List<Message> messages = new ArrayList<>();
        Instant updatedAt;
        long dropped;

        Session(SessionKey key, SessionMeta meta, Instant createdAt) {
            this.key = key;
            this.meta = meta;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }

        synchronized SessionInfo info() {
            return new SessionInfo(key, meta.channel(), meta.chatId(), meta.agentId(), createdAt, updatedAt,
                    dropped + messages.size());
        }
    }

    /** Creates an empty store on the system clock, keeping up to 10,000 messages per session. */
    public InMemorySessionStore() {
        this(Clock.systemUTC(), DEFAULT_MAX_MESSAGES_PER_SESSION);
    }

    /**
     * Creates an empty store.
     *
     * @param clock stamps session creation
     * @param maxMessagesPerSession how many recent messages each session keeps, &gt; 0
     */
    public InMemorySessionStore(Clock clock, int maxMessagesPerSession) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxMessagesPerSession <= 0) {
            throw new IllegalArgumentException("maxMessagesPerSession: " + maxMessagesPerSession + " (expected: > 0)");
        }
        this.maxMessages = maxMessagesPerSession;
    }

    @Override
    public SessionInfo create(SessionKey key, SessionMeta meta) {
        return sessions.computeIfAbsent(key, k -> new Session(k, meta, clock.instant())).info();
    }

    @Override
    public void append(SessionKey key, Message message) {
        Session s = sessions.computeIfAbsent(key, k -> new Session(k, SessionMeta.of(k), message.timestamp()));
        synchronized (s) {
            s.messages.add(message);
            if (message.timestamp().isAfter(s.updatedAt)) {
                s.updatedAt = message.timestamp();
            }
            // Trim in batches (at 125% of the bound) so an append stays amortised O(1).
            if (s.messages.size() > maxMessages + maxMessages / 4) {
                int drop = s.messages.size() - maxMessages;
                s.messages.subList(0, drop).clear();
                s.dropped += drop;
            }
        }
    }

    @Override
    public HistoryPage history(SessionKey key, int limit, long before) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        Session s = sessions.get(key);
        if (s == null) {
            return HistoryPage.EMPTY;
        }
        synchronized (s) {
            long total = s.dropped + s.messages.size();
            long end = Math.max(s.dropped, Math.min(before, total));
            long start = Math.max(s.dropped, end - limit);
            List<Message> page = s.messages.subList((int) (start - s.dropped), (int) (end - s.dropped));
            return new HistoryPage(page, start, total);
        }
    }

    @Override
    public Optional<SessionInfo> info(SessionKey key) {
        Session s = sessions.get(key);
        return s == null ? Optional.empty() : Optional.of(s.info());
    }

    @Override
    public List<SessionInfo> list(SessionQuery query) {
        return sessions.values().stream()
                .map(Session::info)
                .filter(query::matches)
                .sorted(Comparator.comparing(SessionInfo::updatedAt).reversed().thenComparing(SessionInfo::key))
                .skip(query.offset())
                .limit(query.limit())
                .toList();
    }

    @Override
    public long count(SessionQuery query) {
        return sessions.values().stream().map(Session::info).filter(query::matches).count();
    }

    @Override
    public boolean delete(SessionKey key) {
        return sessions.remove(key) != null;
    }
}
