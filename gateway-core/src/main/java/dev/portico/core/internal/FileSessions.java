package dev.portico.core.internal;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.SessionStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The file session store's engine (the public face is {@code dev.portico.core.FileSessionStore},
 * which documents the layout). Reads are served from memory (the index) and from the read cache
 * of recently read sessions; every change goes through the {@link TranscriptWriter}.
 */
public final class FileSessions implements SessionStore {
    private static final System.Logger LOG = System.getLogger(FileSessions.class.getName());
    private static final String TRANSCRIPTS = "transcripts";
    private static final String LOCK = ".lock";
    private static final Comparator<SessionInfo> MOST_RECENT_FIRST =
            Comparator.comparing(SessionInfo::updatedAt).reversed().thenComparing(SessionInfo::key);

    /**
     * How the store is set up; validated by the public builder.
     *
     * @param directory the sessions directory
     * @param fsync the fsync policy
     * @param fsyncInterval the longest an fsync waits under {@link FsyncPolicy#BATCHED}
     * @param indexInterval the longest a changed index waits to be rewritten
     * @param clock stamps session creation
     * @param cachedSessions how many recently read sessions keep their offsets and latest messages in memory
     * @param cachedMessagesPerSession how many latest messages a cached session keeps (at least)
     * @param syncer performs each fsync
     */
    public record Options(Path directory, FsyncPolicy fsync, Duration fsyncInterval, Duration indexInterval, Clock clock,
            int cachedSessions, int cachedMessagesPerSession, Syncer syncer) {}

    private final Options options;
    private final Path directory;
    private final Path transcripts;
    private final Path indexFile;
    private final ConcurrentHashMap<SessionKey, SessionEntry> entries = new ConcurrentHashMap<>();
    private final ReentrantLock cacheLock = new ReentrantLock();
    /** A session read again within this long keeps its place in the cache order (one lock less per read). */
    private static final long RETOUCH_NANOS = Duration.ofMillis(50).toNanos();
    /** The cached sessions, least recently read first. */
    private final LinkedHashMap<SessionEntry, Boolean> cacheOrder = new LinkedHashMap<>(64, 0.75f, true);
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TranscriptWriter writer;
    private volatile boolean indexDirty;
    private volatile boolean closed;
    private final ReentrantLock closeLock = new ReentrantLock();

    private FileSessions(Options options) {
        this.options = options;
        this.directory = options.directory().toAbsolutePath().normalize();
        this.transcripts = directory.resolve(TRANSCRIPTS);
        this.indexFile = directory.resolve(SessionIndexFile.NAME);
        try {
            Files.createDirectories(transcripts);
        } catch (IOException e) {
            throw new SessionStoreException("sessions: could not create the directory " + transcripts + " ("
                    + TranscriptWriter.reason(e) + ")", e);
        }
        Path lockFile = directory.resolve(LOCK);
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SessionStoreException("sessions: could not open " + lockFile + " (" + TranscriptWriter.reason(e) + ")", e);
        }
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new SessionStoreException("sessions: could not lock " + lockFile + " (" + TranscriptWriter.reason(e) + ")", e);
        }
        if (acquired == null) {
            closeQuietly(lockChannel);
            throw new SessionStoreException("sessions: " + directory
                    + " is already open in another store (expected: one store per directory; close the other first)");
        }
        this.lock = acquired;
        try {
            recover();
        } catch (IOException | RuntimeException e) {
            releaseLock();
            if (e instanceof SessionStoreException s) {
                throw s;
            }
            throw new SessionStoreException("sessions: could not open " + directory + " (" + e + ")", e);
        }
        long fsyncNanos = options.fsyncInterval().toNanos();
        long indexNanos = options.indexInterval().toNanos();
        this.writer = new TranscriptWriter(this, options.fsync(), fsyncNanos, indexNanos, options.syncer());
        writer.start();
    }

    /**
     * Opens (or creates) a store: reads the index, rescans the transcripts it does not vouch for,
     * and starts the writer.
     *
     * @param options the settings
     * @return the open store
     * @throws SessionStoreException when the directory cannot be used
     */
    public static FileSessions open(Options options) {
        return new FileSessions(Objects.requireNonNull(options, "options"));
    }

    // ---- SessionStore --------------------------------------------------------------------------

    @Override
    public SessionInfo create(SessionKey key, SessionMeta meta) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(meta, "meta");
        ensureOpen();
        SessionEntry e = entries.get(key);
        return e != null ? e.info() : writer.create(key, meta);
    }

    @Override
    public void append(SessionKey key, Message message) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        ensureOpen();
        writer.append(key, message, TranscriptFormat.message(message));
    }

    @Override
    public HistoryPage history(SessionKey key, int limit, long before) {
        Objects.requireNonNull(key, "key");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        ensureOpen();
        while (true) {
            SessionEntry e = entries.get(key);
            SessionEntry.Cached loaded = e == null ? null : load(e);
            if (loaded == null) {
                return HistoryPage.EMPTY;
            }
            long from;
            long to;
            long start;
            long total;
            e.lock.lock();
            try {
                if (e.deleted) {
                    return HistoryPage.EMPTY;
                }
                // Evicted since it was loaded: what was loaded still serves while nothing was appended.
                SessionEntry.Cached c = e.cached != null ? e.cached : loaded.length == e.length ? loaded : null;
                if (c == null) {
                    continue;
                }
                total = c.offsets.size();
                long end = Math.max(0, Math.min(before, total));
                start = Math.max(0, end - limit);
                if (start == end) {
                    return new HistoryPage(List.of(), start, total);
                }
                long tailStart = total - c.tail.size();
                if (start >= tailStart) {
                    return new HistoryPage(c.tail.subList((int) (start - tailStart), (int) (end - tailStart)), start, total);
                }
                from = c.offsets.get(start);
                to = end < total ? c.offsets.get(end) : e.length;
            } finally {
                e.lock.unlock();
            }
            Optional<List<Message>> page = read(e, from, to);
            return page.map(p -> new HistoryPage(p, start, total)).orElse(HistoryPage.EMPTY);
        }
    }

    @Override
    public Optional<SessionInfo> info(SessionKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        SessionEntry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(e.info());
    }

    @Override
    public List<SessionInfo> list(SessionQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        return entries.values().stream()
                .map(SessionEntry::info)
                .filter(query::matches)
                .sorted(MOST_RECENT_FIRST)
                .skip(query.offset())
                .limit(query.limit())
                .toList();
    }

    @Override
    public long count(SessionQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        return entries.values().stream().map(SessionEntry::info).filter(query::matches).count();
    }

    @Override
    public boolean delete(SessionKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        // A session that is not published now can only appear through an append still queued: the
        // delete is then ordered before it.
        return entries.containsKey(key) && writer.delete(key);
    }

    @Override
    public void close() {
        closeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                writer.close();
            } finally {
                releaseLock();
            }
        } finally {
            closeLock.unlock();
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Makes sure a session's offsets and latest messages are in memory, reading its transcript
     * when they are not, and marks it recently read.
     *
     * @return the cache, or null when the session was deleted meanwhile
     */
    private SessionEntry.Cached load(SessionEntry e) {
        TranscriptScan scan = null;
        long scanned = 0;
        SessionEntry.Cached cached;
        while (true) {
            long target;
            e.lock.lock();
            try {
                if (e.deleted) {
                    return null;
                }
                if (e.cached != null) {
                    cached = e.cached;
                    if (System.nanoTime() - e.touchedAt < RETOUCH_NANOS) {
                        return cached; // moved up the cache order a moment ago: leave the shared lock alone
                    }
                    break;
                }
                if (scan != null && e.length == scanned) {
                    cached = install(e, scan);
                    break;
                }
                target = e.length;
            } finally {
                e.lock.unlock();
            }
            // Read outside the lock, so the writer is never held up by a reader; whatever it
            // appended meanwhile is read on the next round.
            if (scan == null) {
                scan = TranscriptScan.caching(options.cachedMessagesPerSession());
            }
            try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.READ)) {
                LineScanner.scan(ch, scanned, target, scan);
            } catch (NoSuchFileException x) {
                return null;
            } catch (IOException x) {
                throw new SessionStoreException("sessions: could not read " + e.file + " (" + TranscriptWriter.reason(x) + ")", x);
            }
            scanned = target;
        }
        touch(e);
        return cached;
    }

    /** Installs a finished scan as the cache of {@code e}; called with its lock held. */
    private SessionEntry.Cached install(SessionEntry e, TranscriptScan scan) {
        if (scan.count != e.count) {
            LOG.log(System.Logger.Level.WARNING, "sessions: " + e.file + " holds " + scan.count
                    + " readable messages where the index counted " + e.count + "; using " + scan.count);
            e.count = scan.count;
            if (scan.latestTimestamp != null && scan.latestTimestamp.isAfter(e.createdAt)) {
                e.updatedAt = scan.latestTimestamp;
            }
            e.refreshInfo();
            markIndexDirty();
        }
        e.cached = new SessionEntry.Cached(scan.offsets, new ArrayList<>(scan.tail), e.length);
        return e.cached;
    }

    private void touch(SessionEntry e) {
        e.touchedAt = System.nanoTime();
        SessionEntry evicted = null;
        cacheLock.lock();
        try {
            cacheOrder.put(e, Boolean.TRUE);
            if (cacheOrder.size() > options.cachedSessions()) {
                Iterator<SessionEntry> it = cacheOrder.keySet().iterator();
                evicted = it.next();
                it.remove();
            }
        } finally {
            cacheLock.unlock();
        }
        if (evicted != null && evicted != e) {
            evicted.lock.lock();
            try {
                evicted.cached = null;
            } finally {
                evicted.lock.unlock();
            }
        }
    }

    /** Reads the messages whose lines lie in {@code [from, to)}; empty when the transcript is gone. */
    private Optional<List<Message>> read(SessionEntry e, long from, long to) {
        List<Message> page = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.READ)) {
            LineScanner.scan(ch, from, to, (bytes, offset, length, position) -> {
                if (TranscriptFormat.parse(bytes, offset, length) instanceof TranscriptFormat.Entry entry) {
                    page.add(entry.message());
                }
            });
        } catch (NoSuchFileException x) {
            return Optional.empty();
        } catch (IOException x) {
            throw new SessionStoreException("sessions: could not read " + e.file + " (" + TranscriptWriter.reason(x) + ")", x);
        }
        return Optional.of(page);
    }

    // ---- opening -------------------------------------------------------------------------------

    /**
     * Builds the in-memory index: entries of the index file whose transcript has the recorded
     * length are taken as they are; every other transcript is rescanned (and repaired when its
     * last line is torn). The index is rewritten when anything differed.
     */
    private void recover() throws IOException {
        Optional<SessionIndexFile.Contents> index;
        try {
            index = SessionIndexFile.read(indexFile);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sessions: could not read " + indexFile + " ("
                    + TranscriptWriter.reason(e) + "); rebuilding it from the transcripts");
            index = Optional.empty();
        }
        boolean rewrite = index.isEmpty();
        if (index.isEmpty() && Files.exists(indexFile)) {
            LOG.log(System.Logger.Level.WARNING, "sessions: " + indexFile + " is not a session index; rebuilding it from the transcripts");
        } else if (index.isPresent() && index.get().unreadable() > 0) {
            LOG.log(System.Logger.Level.WARNING, "sessions: " + indexFile + ": skipped " + index.get().unreadable()
                    + " unreadable entries; their transcripts are rescanned");
            rewrite = true;
        }
        Map<String, SessionIndexFile.Record> byFile = new HashMap<>();
        index.ifPresent(c -> c.records().values().forEach(r -> byFile.put(SessionFileNames.fileName(r.key()), r)));
        int rescanned = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(transcripts, "*" + SessionFileNames.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                SessionIndexFile.Record r = byFile.remove(name);
                long size = Files.size(file);
                if (r != null && r.transcriptBytes() == size) {
                    entries.put(r.key(), new SessionEntry(r.key(), r.meta(), r.createdAt(), file, size, r.messageCount(),
                            r.updatedAt()));
                    continue;
                }
                rescanned++;
                rewrite = true;
                rescan(file, name).ifPresent(e -> entries.put(e.key, e));
            }
        }
        if (!byFile.isEmpty()) {
            rewrite = true; // sessions deleted after the index was written
        }
        LOG.log(System.Logger.Level.DEBUG, "sessions: opened " + directory + ": " + entries.size() + " sessions, "
                + rescanned + " transcripts rescanned");
        if (rewrite) {
            try {
                writeIndex(options.fsync() == FsyncPolicy.NEVER ? null : options.syncer());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "sessions: could not write " + indexFile + " ("
                        + TranscriptWriter.reason(e) + "); it is rebuilt again on the next start");
            }
        }
    }

    /** Reads a transcript the index does not vouch for; repairs a torn last line. */
    private Optional<SessionEntry> rescan(Path file, String name) throws IOException {
        TranscriptScan scan = TranscriptScan.counting();
        LineScanner.Tail tail;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            tail = LineScanner.scan(ch, 0, ch.size(), scan);
        }
        List<String> notes = new ArrayList<>();
        long length = tail.end();
        if (tail.rest().length > 0) {
            TranscriptFormat.Line last = TranscriptFormat.parse(tail.rest(), 0, tail.rest().length);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (last instanceof TranscriptFormat.Unreadable) {
                    ch.truncate(tail.end());
                    notes.add("skipped a torn last line (" + tail.rest().length + " bytes; a write was cut off) and cut it off");
                } else {
                    ch.write(ByteBuffer.wrap(new byte[] {'\n'}), tail.end() + tail.rest().length);
                    scan.accept(last, tail.end());
                    length = tail.end() + tail.rest().length + 1;
                    notes.add("its last line had no line end (a write was cut off); completed it");
                }
            }
        }
        if (scan.unreadable > 0) {
            notes.add("skipped " + scan.unreadable + " unreadable lines (first: " + scan.firstProblem + ")");
        }
        Optional<SessionEntry> entry = entryFor(file, name, scan, length, notes);
        if (!notes.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "sessions: " + file + ": " + String.join("; ", notes));
        }
        return entry;
    }

    private Optional<SessionEntry> entryFor(Path file, String name, TranscriptScan scan, long length, List<String> notes)
            throws IOException {
        TranscriptFormat.Header header = scan.header;
        if (header != null && !SessionFileNames.fileName(header.key()).equals(name)) {
            notes.add("it holds session " + header.key() + ", whose transcript would be "
                    + SessionFileNames.fileName(header.key()) + "; left alone");
            return Optional.empty();
        }
        if (header == null && scan.count == 0 && length == 0) {
            Files.delete(file);
            notes.add("no session in it (its creation was cut off); removed");
            return Optional.empty();
        }
        Optional<SessionKey> key = header != null ? Optional.of(header.key()) : SessionFileNames.key(name);
        if (key.isEmpty()) {
            notes.add("no session header, and the file name does not decode to a session key; left alone");
            return Optional.empty();
        }
        if (header == null) {
            notes.add("no session header; the key comes from the file name");
        }
        SessionMeta meta = header != null ? header.meta() : SessionMeta.of(key.get());
        Instant createdAt = header != null ? header.createdAt()
                : scan.firstTimestamp != null ? scan.firstTimestamp : Files.getLastModifiedTime(file).toInstant();
        Instant updatedAt = scan.latestTimestamp != null && scan.latestTimestamp.isAfter(createdAt)
                ? scan.latestTimestamp : createdAt;
        return Optional.of(new SessionEntry(key.get(), meta, createdAt, file, length, scan.count, updatedAt));
    }

    /**
     * How many transcripts are open for appending (at most about 256 once the writer has trimmed).
     *
     * @return the number of open transcripts
     */
    public int openTranscripts() {
        return writer.openTranscripts();
    }

    // ---- shared with the writer ----------------------------------------------------------------

    Path directory() {
        return directory;
    }

    Path transcripts() {
        return transcripts;
    }

    Path indexFile() {
        return indexFile;
    }

    ConcurrentHashMap<SessionKey, SessionEntry> entries() {
        return entries;
    }

    Clock clock() {
        return options.clock();
    }

    int tailSize() {
        return options.cachedMessagesPerSession();
    }

    SessionEntry newEntry(SessionKey key, SessionMeta meta, Instant createdAt) {
        return new SessionEntry(key, meta, createdAt, transcripts.resolve(SessionFileNames.fileName(key)), 0, 0, createdAt);
    }

    boolean indexDirty() {
        return indexDirty;
    }

    void markIndexDirty() {
        indexDirty = true;
    }

    void clearIndexDirty() {
        indexDirty = false;
    }

    /** Drops a deleted session from the read cache's order. */
    void forget(SessionEntry e) {
        cacheLock.lock();
        try {
            cacheOrder.remove(e);
        } finally {
            cacheLock.unlock();
        }
    }

    /** Writes the index from the published state of every session. */
    void writeIndex(Syncer syncer) throws IOException {
        List<SessionIndexFile.Record> records = new ArrayList<>(entries.size());
        for (SessionEntry e : entries.values()) {
            e.lock.lock();
            try {
                if (!e.deleted) {
                    records.add(new SessionIndexFile.Record(e.key, e.meta, e.createdAt, e.updatedAt, e.count, e.length));
                }
            } finally {
                e.lock.unlock();
            }
        }
        SessionIndexFile.write(indexFile, records, syncer);
    }

    @Override
    public String toString() {
        return directory + ", " + options.fsync();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session store closed: " + directory);
        }
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "releasing " + directory.resolve(LOCK) + " failed", e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a file failed", e);
        }
    }
}
