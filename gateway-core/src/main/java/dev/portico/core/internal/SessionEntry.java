package dev.portico.core.internal;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session of the file store: what never changes (key, metadata, creation time, file), what the
 * writer last published (length, message count, last update), and the optional read cache. The
 * mutable fields are guarded by {@link #lock}, which is only ever held for memory operations; only
 * a writer holding {@link #writeLock} changes {@link #length} and {@link #count} (the loader may
 * correct the count).
 */
final class SessionEntry {
    final SessionKey key;
    final SessionMeta meta;
    final Instant createdAt;
    final Path file;
    final ReentrantLock lock = new ReentrantLock();
    /** Held to change the transcript: appends, its creation and its deletion. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** The transcript open for appending, or null; set under {@link #writeLock}, read by fsync rounds without it. */
    volatile TranscriptWriter.Transcript transcript;
    /** When the transcript was last written ({@link System#nanoTime()}). */
    volatile long lastWrite;
    /** When a reader last moved the session up the read cache's order ({@link System#nanoTime()}). */
    volatile long touchedAt;

    /** Bytes of the transcript that are written and published: always the end of a complete line. */
    long length;
    long count;
    Instant updatedAt;
    boolean deleted;
    /** Line offsets and recent messages; null until a reader loads the session, and after eviction. */
    Cached cached;
    private volatile SessionInfo info;

    SessionEntry(SessionKey key, SessionMeta meta, Instant createdAt, Path file, long length, long count,
            Instant updatedAt) {
        this.key = key;
        this.meta = meta;
        this.createdAt = createdAt;
        this.file = file;
        this.length = length;
        this.count = count;
        this.updatedAt = updatedAt;
        refreshInfo();
    }

    /** The latest published index entry; read without the lock. */
    SessionInfo info() {
        return info;
    }

    /** Rebuilds the snapshot {@link #info()} returns; called with the lock held (or before publication). */
    void refreshInfo() {
        info = new SessionInfo(key, meta.channel(), meta.chatId(), meta.agentId(), createdAt, updatedAt, count);
    }

    /**
     * Publishes lines just written at {@code at}: called with {@link #writeLock} held.
     *
     * @param at where the bytes start in the file
     * @param bytes how many bytes were written
     * @param messages the messages among them, in order
     * @param offsets where each message's line starts, relative to {@code at}
     * @param tailSize how many recent messages a cached session keeps (at least)
     */
    void publish(long at, long bytes, List<Message> messages, long[] offsets, int tailSize) {
        lock.lock();
        try {
            Cached c = cached;
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                if (c != null) {
                    c.offsets.add(at + offsets[i]);
                    c.add(m, tailSize);
                }
                if (m.timestamp().isAfter(updatedAt)) {
                    updatedAt = m.timestamp();
                }
            }
            length = at + bytes;
            if (c != null) {
                c.length = length;
            }
            count += messages.size();
            refreshInfo();
        } finally {
            lock.unlock();
        }
    }

    /** What a loaded session keeps in memory: where each message's line starts, and the latest messages. */
    static final class Cached {
        final LongList offsets;
        /** The last {@code tail.size()} messages (between tailSize and twice that, once there are enough). */
        final List<Message> tail;
        /** The transcript length this cache describes; it is current while it equals the entry's. */
        long length;

        Cached(LongList offsets, List<Message> tail, long length) {
            this.offsets = offsets;
            this.tail = new ArrayList<>(tail);
            this.length = length;
        }

        void add(Message m, int tailSize) {
            if (tailSize == 0) {
                return;
            }
            tail.add(m);
            // Trim in batches (at twice the bound) so an append stays amortised O(1).
            if (tail.size() >= 2 * tailSize) {
                tail.subList(0, tail.size() - tailSize).clear();
            }
        }
    }

    /** A growable array of longs. */
    static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long get(long i) {
            return values[Math.toIntExact(i)];
        }

        int size() {
            return size;
        }
    }
}
