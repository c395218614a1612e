package dev.portico.core;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.core.internal.FileSessions;
import dev.portico.core.internal.Syncer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStore} in files: one append-only JSON Lines transcript per session plus an
 * index, under one directory (the packaged server uses {@code <state dir>/sessions/}).
 *
 * <pre>{@code
 * try (FileSessionStore store = FileSessionStore.builder()
 *         .directory(stateDir.resolve("sessions"))
 *         .fsync(FsyncPolicy.BATCHED)
 *         .build()) {
 *     store.append(SessionKey.MAIN, Message.user("hello", Instant.now()));
 * }
 * }</pre>
 *
 * <h2>Files</h2>
 * <ul>
 * <li>{@code transcripts/<name>.jsonl}: one per session, UTF-8, one JSON object per line. The first
 *     line names the session:
 *     {@code {"session":"telegram:acct:42","version":1,"channel":"telegram","chat_id":"42","created_at":"…"}}
 *     ({@code chat_id} and {@code agent_id} only when known); every other line is a message:
 *     {@code {"role":"user","content":"hi","timestamp":"2026-01-02T03:04:05.123Z"}} (role
 *     {@code user}, {@code assistant} or {@code system}; times in RFC 3339, UTC). Lines are only
 *     ever appended, each ending with {@code \n}.</li>
 * <li>{@code index.jsonl}: {@code {"portico_session_index":1}}, then one line per session: key,
 *     channel, chat_id, agent_id, created_at, updated_at, message_count and transcript_bytes.
 *     Replaced whole and atomically (temporary file, fsync, rename) every few seconds while
 *     sessions change ({@link Builder#indexInterval(Duration)}) and on {@link #close()}.</li>
 * <li>{@code .lock}: held while the store is open, so two stores never share a directory.</li>
 * </ul>
 *
 * <h2>File names</h2>
 * Session keys ({@code [A-Za-z0-9_.:@+-]{1,200}}) are encoded: {@code a-z 0-9 _ -} stay, every other
 * character becomes {@code %} and two upper-case hex digits. {@code main} is {@code main.jsonl},
 * {@code Main} is {@code %4Dain.jsonl}, {@code telegram:acct:42} is
 * {@code telegram%3Aacct%3A42.jsonl}. A name never holds {@code :}, never is {@code .} or
 * {@code ..}, and two keys never differ only in case, so case-insensitive file systems keep
 * {@code Main} and {@code main} apart; Windows device names ({@code con}, {@code nul}, …) get their
 * first letter escaped. A stem longer than 200 characters is cut to 160 and followed by {@code ~}
 * and 32 hex digits of the key's SHA-256; the first line of the transcript keeps the real key.
 *
 * <h2>Writing and durability</h2>
 * An append is written by the calling thread, with one {@code write} of its line under the
 * session's lock, and is visible to readers when it returns; nothing is queued in memory, so a
 * process that dies loses no append that has returned. When it is forced to storage depends on the
 * {@link FsyncPolicy}: under {@link FsyncPolicy#ALWAYS} {@code append} returns after an fsync of
 * its file (appends that arrive while an fsync runs share the next one: group commit); under
 * {@link FsyncPolicy#BATCHED} (the default) a background thread fsyncs the files written within
 * {@link Builder#fsyncInterval(Duration)} (200 ms by default, like PostgreSQL's WAL writer) of their first write, so a power failure
 * loses at most that much; {@link FsyncPolicy#NEVER} leaves it to the operating system. Appends to
 * one session keep their order; a delete is ordered with them, and an append after it starts a new
 * session. {@link #close()} fsyncs (unless {@code NEVER}) and writes the index.
 *
 * <h2>Crashes</h2>
 * Opening reads the index and checks each transcript's length against it (no transcript is read
 * when they all match). A transcript that differs, or that the index lacks, is read again (and
 * the index rewritten): a torn last line (a write cut off by a crash) is cut off with one
 * WARNING, a complete last line that only lacks its line end gets one, an unreadable line in the
 * middle is skipped with a WARNING. A missing or unreadable index is rebuilt from the transcripts.
 * Store failures (disk full, permissions) throw {@link SessionStoreException} naming the file.
 *
 * <h2>Memory</h2>
 * The index (one entry per session) is in memory, so {@code info}, {@code list} and {@code count}
 * never touch the disk. {@code history} keeps, for the {@link Builder#cachedSessions(int) 256}
 * sessions read most recently, where each message's line starts (8 bytes per message) and the
 * latest {@link Builder#cachedMessagesPerSession(int) 64} or more messages: the latest page comes
 * from memory, an older page is one positioned read of just its lines. The first read of a session
 * (or one evicted from the cache) reads its transcript once.
 */
public final class FileSessionStore implements SessionStore {
    private final FileSessions sessions;

    private FileSessionStore(FileSessions sessions) {
        this.sessions = sessions;
    }

    /**
     * Opens (or creates) a store in {@code directory} with the defaults.
     *
     * @param directory the sessions directory, created when missing
     * @return the open store
     * @throws SessionStoreException when the directory cannot be used
     */
    public static FileSessionStore open(Path directory) {
        return builder().directory(directory).build();
    }

    /**
     * A builder; only the directory is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SessionInfo create(SessionKey key, SessionMeta meta) {
        return sessions.create(key, meta);
    }

    /**
     * {@inheritDoc}
     *
     * @throws SessionStoreException when the transcript cannot be written (or, under
     *         {@link FsyncPolicy#ALWAYS}, fsynced; the message may then be in the transcript all the same)
     */
    @Override
    public void append(SessionKey key, Message message) {
        sessions.append(key, message);
    }

    /**
     * Queues the append and returns at once: the writer writes it before any later append to the
     * session, and it is durable once such a later {@link #append} has returned.
     */
    @Override
    public HistoryPage history(SessionKey key, int limit, long before) {
        return sessions.history(key, limit, before);
    }

    @Override
    public Optional<SessionInfo> info(SessionKey key) {
        return sessions.info(key);
    }

    @Override
    public List<SessionInfo> list(SessionQuery query) {
        return sessions.list(query);
    }

    @Override
    public long count(SessionQuery query) {
        return sessions.count(query);
    }

    @Override
    public boolean delete(SessionKey key) {
        return sessions.delete(key);
    }

    /**
     * Writes what is queued, fsyncs (unless {@link FsyncPolicy#NEVER}), writes the index and
     * releases the directory. Later calls do nothing; any other method then throws
     * {@link IllegalStateException}.
     *
     * @throws SessionStoreException when the final fsync or index write failed
     */
    @Override
    public void close() {
        sessions.close();
    }

    /** How many transcripts are open for appending; for tests. */
    int openTranscripts() {
        return sessions.openTranscripts();
    }

    @Override
    public String toString() {
        return "FileSessionStore[" + sessions + "]";
    }

    /** Builds a {@link FileSessionStore}; {@link #build()} opens it. */
    public static final class Builder {
        private Path directory;
        private FsyncPolicy fsync = FsyncPolicy.BATCHED;
        private Duration fsyncInterval = Duration.ofMillis(200);
        private Duration indexInterval = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private int cachedSessions = 256;
        private int cachedMessagesPerSession = 64;
        private Syncer syncer = Syncer.system();

        private Builder() {}

        /**
         * Sets the sessions directory (required); created when missing.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets when appends are forced to storage.
         *
         * @param fsync the policy; {@link FsyncPolicy#BATCHED} by default
         * @return this builder
         */
        public Builder fsync(FsyncPolicy fsync) {
            this.fsync = Objects.requireNonNull(fsync, "fsync");
            return this;
        }

        /**
         * Sets the longest an fsync waits under {@link FsyncPolicy#BATCHED}.
         *
         * @param fsyncInterval 1 ms to 10 s; 200 ms by default
         * @return this builder
         */
        public Builder fsyncInterval(Duration fsyncInterval) {
            this.fsyncInterval = Objects.requireNonNull(fsyncInterval, "fsyncInterval");
            return this;
        }

        /**
         * Sets the longest a changed index waits to be rewritten. Sessions changed since the last
         * rewrite are rescanned after a crash, so a shorter interval makes recovery faster and a
         * longer one writes less.
         *
         * @param indexInterval 10 ms to 1 hour; 10 s by default
         * @return this builder
         */
        public Builder indexInterval(Duration indexInterval) {
            this.indexInterval = Objects.requireNonNull(indexInterval, "indexInterval");
            return this;
        }

        /**
         * Sets the clock that stamps session creation.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how many recently read sessions keep their message offsets and latest messages in memory.
         *
         * @param cachedSessions &gt;= 1; 256 by default
         * @return this builder
         */
        public Builder cachedSessions(int cachedSessions) {
            this.cachedSessions = cachedSessions;
            return this;
        }

        /**
         * Sets how many latest messages a cached session keeps in memory (it keeps up to twice as
         * many); {@code history} pages within them never touch the disk.
         *
         * @param cachedMessagesPerSession &gt;= 0; 64 by default
         * @return this builder
         */
        public Builder cachedMessagesPerSession(int cachedMessagesPerSession) {
            this.cachedMessagesPerSession = cachedMessagesPerSession;
            return this;
        }

        /** Replaces each fsync, for tests that observe or hold them back. */
        Builder syncer(Syncer syncer) {
            this.syncer = Objects.requireNonNull(syncer, "syncer");
            return this;
        }

        /**
         * Validates the settings and opens the store: reads the index, rescans the transcripts it
         * does not vouch for, and starts the writer.
         *
         * @return the open store
         * @throws IllegalStateException when the directory was not set
         * @throws IllegalArgumentException when a setting is out of range
         * @throws SessionStoreException when the directory cannot be used
         */
        public FileSessionStore build() {
            if (directory == null) {
                throw new IllegalStateException("directory: required (expected: the sessions directory)");
            }
            check("fsyncInterval", fsyncInterval, Duration.ofMillis(1), Duration.ofSeconds(10));
            check("indexInterval", indexInterval, Duration.ofMillis(10), Duration.ofHours(1));
            if (cachedSessions < 1) {
                throw new IllegalArgumentException("cachedSessions: " + cachedSessions + " (expected: >= 1)");
            }
            if (cachedMessagesPerSession < 0) {
                throw new IllegalArgumentException("cachedMessagesPerSession: " + cachedMessagesPerSession
                        + " (expected: >= 0)");
            }
            return new FileSessionStore(FileSessions.open(new FileSessions.Options(directory, fsync, fsyncInterval,
                    indexInterval, clock, cachedSessions, cachedMessagesPerSession, syncer)));
        }

        private static void check(String name, Duration value, Duration min, Duration max) {
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
            }
        }
    }
}
