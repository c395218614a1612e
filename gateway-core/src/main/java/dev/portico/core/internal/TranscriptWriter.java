package dev.portico.core.internal;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.SessionStoreException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Changes transcript files. An append is written by the thread that calls it, with one
 * {@code write} under the session's write lock, and is published to readers before the call
 * returns: no hand-off to another thread, so an append costs about what the system call costs.
 * Creations and deletions also take a store-wide lock, which orders them with each other and with
 * the appends of their session: an append after a delete starts a new session.
 *
 * <p>Writes go through a {@link FileOutputStream} in append mode, whose writes, unlike a
 * {@link FileChannel}'s, cannot be cut off by an interrupt: a run that is cancelled while it
 * stores a message never closes the transcript under the other writers.
 *
 * <p>One background thread does the rest. Under {@link FsyncPolicy#ALWAYS} an append, after its
 * write, joins the next fsync round and waits for it (group commit: everything written while a
 * round runs shares the next one). Under {@link FsyncPolicy#BATCHED} a round fsyncs the files
 * written since the previous one, once the fsync interval has passed since the first of them;
 * appends never wait for it. Rounds fsync {@value #SYNC_THREADS} files at a time: file systems
 * such as ext4 fold concurrent fsyncs into one journal commit, which made 1,000 fsyncs about five
 * times faster than one after the other. Between rounds the thread rewrites the index when the
 * index interval has passed and something changed, and closes the least recently written
 * transcripts when more than {@value #MAX_IDLE_OPEN} are open.
 */
final class TranscriptWriter {
    private static final System.Logger LOG = System.getLogger(TranscriptWriter.class.getName());
    static final int MAX_IDLE_OPEN = 256;
    static final int SYNC_THREADS = 16;
    private static final long[] FIRST = {0};

    private final FileSessions store;
    private final FsyncPolicy policy;
    private final long fsyncIntervalNanos;
    private final long indexIntervalNanos;
    private final Syncer syncer;
    private final Thread thread;
    private final ThreadPoolExecutor syncPool;

    /** Held to create or delete a session. */
    private final ReentrantLock structure = new ReentrantLock();
    private volatile boolean closed;

    /** Sessions whose transcript is open for appending. */
    private final Set<SessionEntry> open = ConcurrentHashMap.newKeySet();
    /** {@link FsyncPolicy#BATCHED}: files written since the round that last took them. */
    private final Set<SessionEntry> dirty = ConcurrentHashMap.newKeySet();
    /** When the oldest write in {@link #dirty} happened ({@link System#nanoTime()}); 0 when none. */
    private final AtomicLong firstDirtyAt = new AtomicLong();
    private final AtomicBoolean directoryDirty = new AtomicBoolean();

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition work = syncLock.newCondition();
    // Guarded by syncLock.
    private Round next = new Round();
    private boolean wakeUp;
    private boolean stopping;
    private boolean stopped;

    // Only the background thread touches these.
    private long lastIndexWrite = System.nanoTime();
    private volatile SessionStoreException closeFailure;

    TranscriptWriter(FileSessions store, FsyncPolicy policy, long fsyncIntervalNanos, long indexIntervalNanos,
            Syncer syncer) {
        this.store = store;
        this.policy = policy;
        this.fsyncIntervalNanos = fsyncIntervalNanos;
        this.indexIntervalNanos = indexIntervalNanos;
        this.syncer = syncer;
        this.thread = Thread.ofPlatform().daemon().name("portico-session-sync").unstarted(this::run);
        this.syncPool = new ThreadPoolExecutor(SYNC_THREADS, SYNC_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("portico-session-fsync-", 0).factory());
        syncPool.allowCoreThreadTimeOut(true);
    }

    void start() {
        thread.start();
    }

    // ---- operations, called by any thread ------------------------------------------------------

    /** Creates a session unless it exists; returns its index entry. */
    SessionInfo create(SessionKey key, SessionMeta meta) {
        while (true) {
            SessionEntry e = store.entries().get(key);
            if (e == null) {
                e = createEntry(key, meta, store.clock().instant(), null, null);
            }
            if (e != null) {
                return e.info();
            }
        }
    }

    /** Writes an encoded message line and publishes it; returns per the {@link FsyncPolicy}. */
    void append(SessionKey key, Message message, byte[] line) {
        while (true) {
            SessionEntry e = store.entries().get(key);
            if (e == null) {
                if (createEntry(key, SessionMeta.of(key), message.timestamp(), message, line) != null) {
                    return; // created with this message as its first
                }
                continue; // created by another caller meanwhile
            }
            e.writeLock.lock();
            try {
                if (e.deleted) {
                    continue; // deleted meanwhile: the next round starts a new session
                }
                ensureOpen();
                write(e, line, List.of(message), FIRST);
            } finally {
                e.writeLock.unlock();
            }
            durable(e);
            return;
        }
    }

    /** Deletes a session; returns whether it existed. */
    boolean delete(SessionKey key) {
        structure.lock();
        try {
            ensureOpen();
            SessionEntry e = store.entries().get(key);
            if (e == null) {
                return false;
            }
            e.writeLock.lock();
            try {
                closeTranscript(e);
                dirty.remove(e);
                try {
                    Files.deleteIfExists(e.file);
                } catch (IOException ex) {
                    throw failure("could not delete", e, ex);
                }
                e.lock.lock();
                try {
                    e.deleted = true;
                    e.cached = null;
                } finally {
                    e.lock.unlock();
                }
                store.entries().remove(key, e);
                store.forget(e);
                store.markIndexDirty();
                directoryDirty.set(true);
            } finally {
                e.writeLock.unlock();
            }
        } finally {
            structure.unlock();
        }
        durable(null);
        return true;
    }

    /**
     * Refuses new work, lets the changes under way finish, fsyncs (unless {@link FsyncPolicy#NEVER}),
     * writes the index, closes the files and stops the background thread.
     *
     * @throws SessionStoreException when the final fsync or index write failed
     */
    void close() {
        closed = true;
        // Whatever passed the open check before is done once its lock is free.
        structure.lock();
        structure.unlock();
        for (SessionEntry e : store.entries().values()) {
            e.writeLock.lock();
            e.writeLock.unlock();
        }
        syncLock.lock();
        try {
            stopping = true;
            work.signal();
        } finally {
            syncLock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (SessionEntry e : List.copyOf(open)) {
            closeTranscript(e);
        }
        syncPool.shutdown();
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    /** How many transcripts are open for appending. */
    int openTranscripts() {
        return open.size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session store closed: " + store.directory());
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Creates a session's transcript with its header line (and a first message, when given) under
     * the structure lock, and publishes it.
     *
     * @return the new entry, or null when the session exists (then nothing was written)
     */
    private SessionEntry createEntry(SessionKey key, SessionMeta meta, Instant createdAt, Message first, byte[] line) {
        SessionEntry e;
        structure.lock();
        try {
            ensureOpen();
            if (store.entries().containsKey(key)) {
                return null;
            }
            e = store.newEntry(key, meta, createdAt);
            byte[] header = TranscriptFormat.header(new TranscriptFormat.Header(e.key, e.meta, e.createdAt));
            try {
                Files.createFile(e.file);
            } catch (FileAlreadyExistsException ex) {
                throw new SessionStoreException("sessions: could not create " + e.file
                        + " (a file of that name exists and is not a transcript this store could read)", ex);
            } catch (IOException ex) {
                throw failure("could not create", e, ex);
            }
            e.writeLock.lock();
            try {
                if (first == null) {
                    write(e, header, List.of(), FIRST);
                } else {
                    byte[] both = new byte[header.length + line.length];
                    System.arraycopy(header, 0, both, 0, header.length);
                    System.arraycopy(line, 0, both, header.length, line.length);
                    write(e, both, List.of(first), new long[] {header.length});
                }
            } catch (RuntimeException ex) {
                closeTranscript(e);
                try {
                    Files.deleteIfExists(e.file);
                } catch (IOException gone) {
                    LOG.log(System.Logger.Level.WARNING, "sessions: could not remove " + e.file + " after a failed creation ("
                            + reason(gone) + "); it is dropped when the store next opens");
                }
                throw ex;
            } finally {
                e.writeLock.unlock();
            }
            store.entries().put(key, e);
            directoryDirty.set(true);
        } finally {
            structure.unlock();
        }
        durable(e);
        return e;
    }

    /**
     * Appends bytes to a transcript and publishes the messages among them; called with the
     * session's write lock held. A failed write is cut off again, so the file still ends with a
     * whole line.
     */
    private void write(SessionEntry e, byte[] bytes, List<Message> messages, long[] offsets) {
        long at = e.length;
        Transcript t;
        try {
            t = transcript(e);
            t.out().write(bytes);
        } catch (IOException ex) {
            undo(e, at);
            throw failure("could not write", e, ex);
        }
        e.publish(at, bytes.length, messages, offsets, store.tailSize());
        e.lastWrite = System.nanoTime();
        store.markIndexDirty();
        // contains() first: add() locks a bin of the set even when the file is in it already.
        if (policy == FsyncPolicy.BATCHED && !dirty.contains(e) && dirty.add(e)
                && firstDirtyAt.compareAndSet(0, System.nanoTime())) {
            wake();
        }
    }

    /** Cuts a failed write off and closes the transcript, so the next write reopens and checks it. */
    private void undo(SessionEntry e, long at) {
        Transcript t = e.transcript;
        closeTranscript(e);
        if (t == null) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.WRITE)) {
            ch.truncate(at);
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "sessions: could not undo a failed write to " + e.file + " ("
                    + reason(ex) + "); it is cut off when the session is next written or the store opens");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The session's open transcript, opened when needed. Opening checks that the file ends where
     * the session's published bytes do, and cuts off anything after (the rest of a failed write).
     */
    private Transcript transcript(SessionEntry e) throws IOException {
        Transcript t = e.transcript;
        if (t != null) {
            return t;
        }
        FileOutputStream out = new FileOutputStream(e.file.toFile(), true);
        boolean interrupted = Thread.interrupted(); // a channel operation would close the file on an interrupt
        try {
            long size = Files.size(e.file);
            if (size > e.length) {
                LOG.log(System.Logger.Level.WARNING, "sessions: " + e.file + " has " + (size - e.length)
                        + " bytes after its last complete line (a failed write); cutting them off");
                out.getChannel().truncate(e.length);
            }
            t = new Transcript(out, out.getChannel());
        } catch (IOException | RuntimeException ex) {
            out.close();
            throw ex;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        e.transcript = t;
        open.add(e);
        if (open.size() > MAX_IDLE_OPEN) {
            wake();
        }
        return t;
    }

    private void closeTranscript(SessionEntry e) {
        Transcript t = e.transcript;
        if (t == null) {
            return;
        }
        e.transcript = null;
        open.remove(e);
        try {
            t.out().close();
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + e.file + " failed", ex);
        }
    }

    // ---- fsync rounds --------------------------------------------------------------------------

    /**
     * Under {@link FsyncPolicy#ALWAYS}, waits for an fsync round that starts after this call and
     * covers the session's file (and the directory, when files came or went); otherwise returns.
     *
     * @param e the session written, or null when only the directory changed
     */
    private void durable(SessionEntry e) {
        if (policy != FsyncPolicy.ALWAYS) {
            return;
        }
        Round round;
        syncLock.lock();
        try {
            if (stopped) {
                round = null;
            } else {
                round = next;
                round.requested = true;
                if (e != null) {
                    round.entries.add(e);
                }
                wakeUp = true;
                work.signal();
            }
        } finally {
            syncLock.unlock();
        }
        Map<SessionEntry, IOException> failures;
        try {
            failures = round != null ? round.done.join()
                    : fsync(e == null ? List.of() : List.of(e), directoryDirty.getAndSet(false));
        } catch (CompletionException ex) {
            throw new SessionStoreException("sessions: the fsync round of " + store.directory() + " failed: "
                    + ex.getCause(), ex.getCause());
        }
        IOException failed = e == null ? null : failures.get(e);
        if (failed != null) {
            throw failure("could not fsync", e, failed);
        }
    }

    private void wake() {
        syncLock.lock();
        try {
            wakeUp = true;
            work.signal();
        } finally {
            syncLock.unlock();
        }
    }

    /** The files and waiters of one fsync round. */
    private static final class Round {
        final Set<SessionEntry> entries = new LinkedHashSet<>();
        final CompletableFuture<Map<SessionEntry, IOException>> done = new CompletableFuture<>();
        boolean requested;
    }

    private void run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "sessions: the fsync thread of " + store.directory() + " stopped", e);
            throw e;
        } finally {
            Round last;
            syncLock.lock();
            try {
                stopped = true;
                last = next;
            } finally {
                syncLock.unlock();
            }
            // Waiters that joined after the last round: their fsync, now, on this thread.
            if (!last.done.isDone()) {
                last.done.complete(last.requested ? fsync(List.copyOf(last.entries), directoryDirty.getAndSet(false)) : Map.of());
            }
            syncPool.shutdown();
        }
    }

    private void loop() {
        while (true) {
            Round round = null;
            boolean stop;
            syncLock.lock();
            try {
                while (!stopping && !next.requested && !wakeUp) {
                    long wait = nanosToNextDeadline();
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        if (wait == Long.MAX_VALUE) {
                            work.await();
                        } else {
                            work.awaitNanos(wait);
                        }
                    } catch (InterruptedException e) {
                        // Nobody interrupts this thread; close() is the way to stop it.
                    }
                }
                wakeUp = false;
                stop = stopping;
                if (next.requested || stop) {
                    round = next;
                    next = new Round();
                }
            } finally {
                syncLock.unlock();
            }
            long now = System.nanoTime();
            boolean batchedDue = policy == FsyncPolicy.BATCHED && firstDirtyAt.get() != 0
                    && now - firstDirtyAt.get() >= fsyncIntervalNanos;
            try {
                if (round != null || batchedDue) {
                    runRound(round, stop);
                }
                if (!stop && store.indexDirty() && now - lastIndexWrite >= indexIntervalNanos) {
                    writeIndex();
                }
                if (!stop) {
                    trimOpenFiles();
                }
            } catch (RuntimeException e) {
                // A bug, not an I/O failure (those are reported per file): the round's waiters have
                // their error; keep the thread, or nothing would be fsynced any more.
                LOG.log(System.Logger.Level.ERROR, "sessions: the fsync thread of " + store.directory()
                        + " hit an unexpected error; going on", e);
            }
            if (stop) {
                shutdown();
                return;
            }
        }
    }

    private long nanosToNextDeadline() {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        long first = firstDirtyAt.get();
        if (policy == FsyncPolicy.BATCHED && first != 0) {
            wait = first + fsyncIntervalNanos - now;
        }
        if (store.indexDirty()) {
            wait = Math.min(wait, lastIndexWrite + indexIntervalNanos - now);
        }
        return wait;
    }

    /**
     * Fsyncs a round's files plus, under {@link FsyncPolicy#BATCHED}, every file written since the
     * last round (all of them when {@code all}), and completes the round's waiters.
     */
    private void runRound(Round round, boolean all) {
        Set<SessionEntry> targets = new LinkedHashSet<>();
        if (round != null) {
            targets.addAll(round.entries);
        }
        if (policy == FsyncPolicy.BATCHED) {
            targets.addAll(takeDirty());
        }
        boolean directory = policy != FsyncPolicy.NEVER && directoryDirty.getAndSet(false);
        Map<SessionEntry, IOException> failures;
        try {
            failures = policy == FsyncPolicy.NEVER || targets.isEmpty() && !directory
                    ? Map.of() : fsync(List.copyOf(targets), directory);
        } catch (RuntimeException | Error ex) {
            if (round != null) {
                round.done.completeExceptionally(ex);
            }
            throw ex;
        }
        if (round != null) {
            round.done.complete(failures);
        }
        Map<SessionEntry, IOException> unreported = new HashMap<>(failures);
        if (round != null) {
            unreported.keySet().removeAll(round.entries);
        }
        logFailures(unreported);
        if (all && !failures.isEmpty() && closeFailure == null) {
            SessionEntry e = failures.keySet().iterator().next();
            closeFailure = failure("could not fsync", e, failures.get(e));
        }
    }

    private List<SessionEntry> takeDirty() {
        firstDirtyAt.set(0);
        List<SessionEntry> taken = new ArrayList<>(dirty.size());
        for (var it = dirty.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
    }

    private void shutdown() {
        IOException indexFailure = writeIndex();
        if (indexFailure != null && closeFailure == null) {
            closeFailure = new SessionStoreException("sessions: could not write " + store.indexFile() + " ("
                    + reason(indexFailure) + "); it is rebuilt from the transcripts on the next start", indexFailure);
        }
    }

    /**
     * Fsyncs files ({@value #SYNC_THREADS} at a time when there are several), then the transcripts
     * directory when files came or went.
     *
     * @return the files whose fsync failed
     */
    private Map<SessionEntry, IOException> fsync(List<SessionEntry> targets, boolean directory) {
        Map<SessionEntry, IOException> failures = new ConcurrentHashMap<>();
        if (targets.size() <= 2) {
            targets.forEach(e -> fsync(e, failures));
        } else {
            int chunks = Math.min(SYNC_THREADS, targets.size());
            List<Future<?>> futures = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                List<SessionEntry> part = targets.subList(c * targets.size() / chunks, (c + 1) * targets.size() / chunks);
                futures.add(syncPool.submit(() -> part.forEach(e -> fsync(e, failures))));
            }
            for (Future<?> f : futures) {
                awaitUninterruptibly(f);
            }
        }
        if (directory) {
            try {
                syncer.syncDirectory(store.transcripts());
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "sessions: could not fsync the directory " + store.transcripts()
                        + " (" + reason(ex) + ")");
            }
        }
        return failures;
    }

    /** Fsyncs one transcript through its open file, or through a new one when it was closed meanwhile. */
    private void fsync(SessionEntry e, Map<SessionEntry, IOException> failures) {
        Transcript t = e.transcript;
        try {
            if (t != null) {
                try {
                    syncer.sync(t.channel(), e.file);
                    return;
                } catch (ClosedChannelException closed) {
                    // Closed meanwhile (trimmed, deleted, the store closing): fsync the file itself.
                }
            }
            try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.WRITE)) {
                syncer.sync(ch, e.file);
            }
        } catch (NoSuchFileException ex) {
            // Deleted meanwhile: nothing left to keep.
        } catch (IOException ex) {
            failures.put(e, ex);
        }
    }

    private static void awaitUninterruptibly(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("an fsync task failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void logFailures(Map<SessionEntry, IOException> failures) {
        failures.forEach((e, ex) -> LOG.log(System.Logger.Level.ERROR, "sessions: could not fsync " + e.file + " ("
                + reason(ex) + "); messages appended since the last fsync may be lost on a power failure"));
    }

    /**
     * Writes the index, after fsyncing what was written (so it rarely counts bytes that are not on
     * disk; a transcript whose length differs from the index is read again on opening anyway). A
     * failure is logged, not thrown: the index is rebuilt from the transcripts if needed.
     *
     * @return the failure, or null
     */
    private IOException writeIndex() {
        store.clearIndexDirty();
        if (policy == FsyncPolicy.BATCHED) {
            runRound(null, false);
        }
        lastIndexWrite = System.nanoTime();
        try {
            store.writeIndex(policy == FsyncPolicy.NEVER ? null : syncer);
            return null;
        } catch (IOException ex) {
            store.markIndexDirty();
            LOG.log(System.Logger.Level.WARNING, "sessions: could not write " + store.indexFile() + " (" + reason(ex)
                    + "); it is rebuilt from the transcripts on the next start");
            return ex;
        }
    }

    /** Closes the least recently written transcripts beyond {@value #MAX_IDLE_OPEN}, keeping those awaiting an fsync. */
    private void trimOpenFiles() {
        int excess = open.size() - MAX_IDLE_OPEN;
        if (excess <= 0) {
            return;
        }
        // Down to three quarters, so a stream of new sessions does not trim after every one.
        excess += MAX_IDLE_OPEN / 4;
        // Sorted on a snapshot of the write times: they change while we sort.
        List<Candidate> candidates = new ArrayList<>(open.size());
        for (SessionEntry e : open) {
            if (!dirty.contains(e)) {
                candidates.add(new Candidate(e, e.lastWrite));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::lastWrite));
        for (Candidate c : candidates) {
            if (excess <= 0) {
                return;
            }
            SessionEntry e = c.entry();
            if (e.writeLock.tryLock()) {
                try {
                    if (!dirty.contains(e)) {
                        closeTranscript(e);
                        excess--;
                    }
                } finally {
                    e.writeLock.unlock();
                }
            }
        }
    }

    private record Candidate(SessionEntry entry, long lastWrite) {}

    private static SessionStoreException failure(String what, SessionEntry e, IOException ex) {
        return new SessionStoreException("sessions: " + what + " " + e.file + " (" + reason(ex) + ")", ex);
    }

    /**
     * What went wrong, in a few words: the file system's reason ("No space left on device",
     * "Permission denied") or the exception's kind.
     *
     * @param ex the failure
     * @return the reason
     */
    static String reason(IOException ex) {
        if (ex instanceof java.nio.file.FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    /**
     * A transcript open for appending: the stream writes (uninterruptibly), its channel fsyncs.
     *
     * @param out the append-mode stream
     * @param channel the stream's channel
     */
    record Transcript(FileOutputStream out, FileChannel channel) {}
}
