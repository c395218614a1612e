package dev.portico.core;

import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An {@link OutboxStore} in memory, for a gateway without a state directory: nothing is written,
 * so whatever was not delivered is lost when the process ends.
 *
 * <p>It keeps what {@link FileOutboxStore} keeps: every pending message, and each finished message
 * that carries an idempotency key while its {@code createdAt} is within the
 * {@linkplain #InMemoryOutboxStore(Duration, int, Clock) retention} (24 hours by default), at most
 * {@code maxRetained} of them (100,000 by default; the oldest go first), so that a repeated request
 * gets its first answer. A finished message without a key is forgotten by the {@link #update} that
 * finishes it. Safe for concurrent use.
 */
public final class InMemoryOutboxStore implements OutboxStore {
    private final Messages messages;
    private final Clock clock;
    private boolean closed;

    /** Creates an empty store with the defaults: 24 hours' retention, at most 100,000 retained, the system clock. */
    public InMemoryOutboxStore() {
        this(Messages.DEFAULT_RETENTION, Messages.DEFAULT_MAX_RETAINED, Clock.systemUTC());
    }

    /**
     * Creates an empty store.
     *
     * @param retention how long after its {@code createdAt} a finished message with an idempotency
     *     key is kept: 0 to 30 days
     * @param maxRetained how many such messages are kept at most (the newest): 0 to 10,000,000
     * @param clock the clock retention is measured on
     * @throws IllegalArgumentException when a setting is out of range
     */
    public InMemoryOutboxStore(Duration retention, int maxRetained, Clock clock) {
        Messages.check(retention, maxRetained);
        this.messages = new Messages(retention, maxRetained);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized List<OutboxMessage> load() {
        ensureOpen();
        return messages.live(clock.instant());
    }

    @Override
    public synchronized void add(OutboxMessage message) {
        Objects.requireNonNull(message, "message");
        ensureOpen();
        messages.put(message, 0, clock.instant());
    }

    @Override
    public synchronized void update(OutboxMessage message) {
        Objects.requireNonNull(message, "message");
        ensureOpen();
        messages.put(message, 0, clock.instant());
    }

    /** {@inheritDoc} Nothing is held back: this only checks that the store is open. */
    @Override
    public synchronized void flush() {
        ensureOpen();
    }

    /** Releases the store; later calls do nothing, and any other method then throws {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("outbox store closed");
        }
    }

    @Override
    public String toString() {
        return "InMemoryOutboxStore[" + messages.retention + ", max " + messages.maxRetained + " retained]";
    }

    /**
     * The messages an outbox store keeps, each with the size of its last snapshot; the caller
     * serializes access. Shared by both stores, so they keep the same messages.
     */
    static final class Messages {
        static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
        static final int DEFAULT_MAX_RETAINED = 100_000;
        private static final Duration MAX_RETENTION = Duration.ofDays(30);
        private static final int MAX_RETAINED = 10_000_000;
        /** Oldest first: by {@code createdAt}, then id. */
        static final Comparator<OutboxMessage> ORDER =
                Comparator.comparing(OutboxMessage::createdAt).thenComparing(OutboxMessage::id);
        private static final Comparator<Entry> ENTRY_ORDER = Comparator.comparing(Entry::message, ORDER);

        /**
         * A message's last snapshot.
         *
         * @param message the message
         * @param bytes what it takes where it is stored (0 in memory)
         */
        record Entry(OutboxMessage message, int bytes) {}

        private final Duration retention;
        private final int maxRetained;
        private final Map<String, Entry> pending = new HashMap<>();
        private final Map<String, Entry> retainedById = new HashMap<>();
        private final NavigableSet<Entry> retained = new TreeSet<>(ENTRY_ORDER);
        private long bytes;

        Messages(Duration retention, int maxRetained) {
            this.retention = retention;
            this.maxRetained = maxRetained;
        }

        /** Checks the settings both stores take. */
        static void check(Duration retention, int maxRetained) {
            Objects.requireNonNull(retention, "retention");
            if (retention.isNegative() || retention.compareTo(MAX_RETENTION) > 0) {
                throw new IllegalArgumentException("retention: " + retention + " (expected: PT0S to " + MAX_RETENTION + ")");
            }
            if (maxRetained < 0 || maxRetained > MAX_RETAINED) {
                throw new IllegalArgumentException("maxRetained: " + maxRetained + " (expected: 0 to " + MAX_RETAINED + ")");
            }
        }

        /**
         * Takes a message's latest state: a pending message is kept, a finished one only when it
         * carries an idempotency key and is within retention; anything it supersedes goes.
         *
         * @param message the message
         * @param size what its snapshot takes
         * @param now the time retention is measured at
         */
        void put(OutboxMessage message, int size, Instant now) {
            remove(message.id());
            Entry entry = new Entry(message, size);
            if (!message.status().terminal()) {
                pending.put(message.id(), entry);
                bytes += size;
            } else if (message.idempotencyKey().isPresent() && !message.createdAt().isBefore(now.minus(retention))) {
                retainedById.put(message.id(), entry);
                retained.add(entry);
                bytes += size;
                prune(now);
            }
        }

        private void remove(String id) {
            Entry old = pending.remove(id);
            if (old == null) {
                old = retainedById.remove(id);
                if (old != null) {
                    retained.remove(old);
                }
            }
            if (old != null) {
                bytes -= old.bytes();
            }
        }

        /** Drops finished messages past retention and, beyond {@link #maxRetained}, the oldest. */
        private void prune(Instant now) {
            Instant cutoff = now.minus(retention);
            while (!retained.isEmpty()
                    && (retained.size() > maxRetained || retained.first().message().createdAt().isBefore(cutoff))) {
                Entry gone = retained.pollFirst();
                retainedById.remove(gone.message().id());
                bytes -= gone.bytes();
            }
        }

        /**
         * Every message kept, after dropping what retention no longer covers.
         *
         * @param now the time retention is measured at
         * @return pending and retained messages, oldest first
         */
        List<OutboxMessage> live(Instant now) {
            prune(now);
            List<OutboxMessage> out = new ArrayList<>(pending.size() + retained.size());
            for (Entry e : pending.values()) {
                out.add(e.message());
            }
            for (Entry e : retained) {
                out.add(e.message());
            }
            out.sort(ORDER);
            return out;
        }

        /** How many messages are kept. */
        int size() {
            return pending.size() + retained.size();
        }

        /** The sizes of the messages kept, summed. */
        long bytes() {
            return bytes;
        }
    }
}
