package dev.portico.core.internal;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.SessionStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that changes transcript files. Callers queue operations and wait; the thread
 * takes everything queued at once (a batch), writes each session's new lines with one write,
 * publishes them to readers, and completes the batch's operations. Appends to one session are
 * written in the order they were queued; a delete is ordered with them, so an append queued after
 * it starts a new session.
 *
 * <p>Fsyncs run {@value #SYNC_THREADS} at a time on a small pool of platform threads: file
 * systems such as ext4 fold concurrent fsyncs into one journal commit, which made 1,000 fsyncs
 * about five times faster than one after the other. Under {@link FsyncPolicy#ALWAYS} the writer
 * fsyncs the batch's files before completing it (group commit: one fsync per file per batch, and
 * the next batch gathers meanwhile). Under {@link FsyncPolicy#BATCHED} a background round fsyncs
 * the files written since the last round once the fsync interval has passed, while the writer
 * goes on writing.
 *
 * <p>Between batches the writer rewrites the index when the index interval has passed and
 * something changed, and keeps at most {@value #MAX_IDLE_OPEN} transcripts open (files waiting
 * for an fsync stay open until it).
 */
final class TranscriptWriter {
    private static final System.Logger LOG = System.getLogger(TranscriptWriter.class.getName());
    static final int MAX_IDLE_OPEN = 256;
    static final int SYNC_THREADS = 16;

    private final FileSessions store;
    private final FsyncPolicy policy;
    private final long fsyncIntervalNanos;
    private final long indexIntervalNanos;
    private final Syncer syncer;
    private final Thread thread;
    private final ThreadPoolExecutor syncPool;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition wake = queueLock.newCondition();
    private List<Op> pending = new ArrayList<>();
    private boolean closing;
    private boolean stopped;

    // Only the writer thread touches the fields below.
    private final LinkedHashMap<SessionEntry, FileChannel> open = new LinkedHashMap<>(64, 0.75f, true);
    /** Files written since they were last handed to an fsync. */
    private final Set<SessionEntry> dirty = new LinkedHashSet<>();
    private long firstDirtyAt;
    private boolean directoryDirty;
    /** The background fsync round under way ({@link FsyncPolicy#BATCHED}), and the files it covers. */
    private CompletableFuture<Map<SessionEntry, IOException>> round;
    private Set<SessionEntry> inRound = Set.of();
    private long lastIndexWrite = System.nanoTime();
    private volatile SessionStoreException closeFailure;

    TranscriptWriter(FileSessions store, FsyncPolicy policy, long fsyncIntervalNanos, long indexIntervalNanos,
            Syncer syncer) {
        this.store = store;
        this.policy = policy;
        this.fsyncIntervalNanos = fsyncIntervalNanos;
        this.indexIntervalNanos = indexIntervalNanos;
        this.syncer = syncer;
        this.thread = Thread.ofPlatform().daemon().name("portico-session-writer").unstarted(this::run);
        this.syncPool = new ThreadPoolExecutor(SYNC_THREADS, SYNC_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("portico-session-fsync-", 0).factory());
        syncPool.allowCoreThreadTimeOut(true);
    }

    void start() {
        thread.start();
    }

    // ---- operations, called by any thread ------------------------------------------------------

    /** Queues a creation and waits for it; returns the session's index entry. */
    SessionInfo create(SessionKey key, SessionMeta meta) {
        return (SessionInfo) submit(new Create(key, meta));
    }

    /** Queues an append of an encoded message line and waits for it (see {@link FsyncPolicy}). */
    void append(SessionKey key, Message message, byte[] line) {
        submit(new Append(key, message, line));
    }

    /** Queues an append of an encoded message line without waiting; a failure is logged. */
    void appendQueued(SessionKey key, Message message, byte[] line) {
        Append op = new Append(key, message, line);
        enqueue(op);
        op.done.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(System.Logger.Level.ERROR, "a queued append to session " + key + " failed", failure);
            }
        });
    }

    /** Queues a delete and waits for it; returns whether the session existed. */
    boolean delete(SessionKey key) {
        return (Boolean) submit(new Delete(key));
    }

    /**
     * Lets the queued operations finish, fsyncs (unless {@link FsyncPolicy#NEVER}), writes the
     * index, closes the files and stops the thread.
     *
     * @throws SessionStoreException when the final fsync or index write failed
     */
    void close() {
        queueLock.lock();
        try {
            closing = true;
            wake.signal();
        } finally {
            queueLock.unlock();
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
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    private void enqueue(Op op) {
        queueLock.lock();
        try {
            if (closing || stopped) {
                throw new IllegalStateException("session store closed: " + store.directory());
            }
            pending.add(op);
            wake.signal();
        } finally {
            queueLock.unlock();
        }
    }

    private Object submit(Op op) {
        enqueue(op);
        try {
            return op.done.join();
        } catch (CompletionException e) {
            // Rethrown with the caller's stack; the writer's is kept as the cause.
            if (e.getCause() instanceof SessionStoreException s) {
                throw new SessionStoreException(s.getMessage(), s);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SessionStoreException("sessions: " + store.directory() + ": " + e.getCause(), e.getCause());
        }
    }

    // ---- the writer thread ---------------------------------------------------------------------

    private void run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "the session writer of " + store.directory() + " stopped", e);
            throw e;
        } finally {
            List<Op> left;
            queueLock.lock();
            try {
                stopped = true;
                left = pending;
                pending = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            SessionStoreException f = new SessionStoreException("sessions: the writer of " + store.directory()
                    + " has stopped; nothing more can be stored");
            for (Op op : left) {
                op.failure = f;
                op.finish();
            }
            open.values().forEach(TranscriptWriter::closeQuietly);
            open.clear();
            syncPool.shutdown();
        }
    }

    private void loop() {
        while (true) {
            List<Op> batch;
            boolean stop;
            queueLock.lock();
            try {
                while (pending.isEmpty() && !closing) {
                    long wait = nanosToNextDeadline();
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        if (wait == Long.MAX_VALUE) {
                            wake.await();
                        } else {
                            wake.awaitNanos(wait);
                        }
                    } catch (InterruptedException e) {
                        // Nobody interrupts this thread; close() is the way to stop it.
                    }
                }
                batch = pending;
                pending = new ArrayList<>();
                stop = closing && batch.isEmpty();
            } finally {
                queueLock.unlock();
            }
            if (!batch.isEmpty()) {
                process(batch);
            }
            if (stop) {
                shutdown();
                return;
            }
            housekeeping();
        }
    }

    private long nanosToNextDeadline() {
        if (round != null && round.isDone()) {
            return 0;
        }
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        if (policy == FsyncPolicy.BATCHED && round == null && !dirty.isEmpty()) {
            wait = firstDirtyAt + fsyncIntervalNanos - now;
        }
        if (store.indexDirty()) {
            wait = Math.min(wait, lastIndexWrite + indexIntervalNanos - now);
        }
        return wait;
    }

    private void housekeeping() {
        if (round != null && round.isDone()) {
            finishRound();
        }
        long now = System.nanoTime();
        if (policy == FsyncPolicy.BATCHED && round == null && !dirty.isEmpty()
                && now - firstDirtyAt >= fsyncIntervalNanos) {
            inRound = new LinkedHashSet<>(dirty);
            List<Target> targets = takeDirty();
            boolean directory = takeDirectoryDirty();
            round = new CompletableFuture<>();
            CompletableFuture<Map<SessionEntry, IOException>> started = round;
            Thread.ofVirtual().name("portico-session-fsync-round").start(() -> {
                try {
                    started.complete(fsync(targets, directory));
                } catch (RuntimeException | Error e) {
                    started.completeExceptionally(e);
                }
                wakeWriter();
            });
        }
        if (store.indexDirty() && now - lastIndexWrite >= indexIntervalNanos) {
            writeIndex();
        }
        trimOpenFiles();
    }

    private void wakeWriter() {
        queueLock.lock();
        try {
            wake.signal();
        } finally {
            queueLock.unlock();
        }
    }

    /** Waits for the background fsync round, if any, and logs its failures. */
    private void finishRound() {
        if (round == null) {
            return;
        }
        try {
            logFailures(round.join());
        } catch (CompletionException e) {
            LOG.log(System.Logger.Level.ERROR, "sessions: an fsync round of " + store.directory() + " failed", e.getCause());
        }
        round = null;
        inRound = Set.of();
    }

    private void shutdown() {
        finishRound();
        Map<SessionEntry, IOException> failures = policy == FsyncPolicy.NEVER ? Map.of()
                : fsync(takeDirty(), takeDirectoryDirty());
        logFailures(failures);
        if (!failures.isEmpty()) {
            SessionEntry e = failures.keySet().iterator().next();
            closeFailure = failure("could not fsync", e, failures.get(e));
        }
        IOException indexFailure = writeIndex();
        if (indexFailure != null && closeFailure == null) {
            closeFailure = new SessionStoreException("sessions: could not write " + store.indexFile() + " ("
                    + reason(indexFailure) + "); it is rebuilt from the transcripts on the next start", indexFailure);
        }
        open.values().forEach(TranscriptWriter::closeQuietly);
        open.clear();
    }

    /** Writes and publishes one batch, then fsyncs it under {@link FsyncPolicy#ALWAYS}, then completes it. */
    private void process(List<Op> batch) {
        try {
            processUnguarded(batch);
        } catch (RuntimeException e) {
            // A bug, not an I/O failure (those fail their own operations): fail what is left of the
            // batch rather than leave callers waiting, and go on with the next one.
            LOG.log(System.Logger.Level.ERROR, "sessions: a batch of the writer of " + store.directory() + " failed", e);
            SessionStoreException f = new SessionStoreException("sessions: the writer of " + store.directory()
                    + " failed: " + e, e);
            batch.stream().filter(op -> op.failure == null).forEach(op -> op.failure = f);
        } catch (Error e) {
            SessionStoreException f = new SessionStoreException("sessions: the writer of " + store.directory()
                    + " failed: " + e, e);
            batch.stream().filter(op -> op.failure == null).forEach(op -> op.failure = f);
            throw e;
        } finally {
            batch.forEach(Op::finish);
        }
    }

    private void processUnguarded(List<Op> batch) {
        Map<SessionKey, Staged> staged = new LinkedHashMap<>();
        List<Staged> written = new ArrayList<>();
        for (Op op : batch) {
            try {
                switch (op) {
                    case Create c -> {
                        Staged s = staged.get(c.key);
                        SessionEntry e = s != null ? s.entry : store.entries().get(c.key);
                        if (e == null) {
                            s = stage(staged, store.newEntry(c.key, c.meta, store.clock().instant()), true);
                        }
                        if (s != null) {
                            s.ops.add(c);
                        } else {
                            c.result = e.info();
                        }
                    }
                    case Append a -> {
                        Staged s = staged.get(a.key);
                        if (s == null) {
                            SessionEntry e = store.entries().get(a.key);
                            s = e != null ? stage(staged, e, false)
                                    : stage(staged, store.newEntry(a.key, SessionMeta.of(a.key), a.message.timestamp()), true);
                        }
                        s.add(a.message, a.line);
                        s.ops.add(a);
                    }
                    case Delete d -> {
                        Staged s = staged.remove(d.key);
                        if (s != null) {
                            write(s);
                            written.add(s);
                        }
                        SessionEntry e = store.entries().get(d.key);
                        d.result = e != null && delete(e);
                    }
                }
            } catch (RuntimeException e) {
                op.failure = e;
            }
        }
        for (Staged s : staged.values()) {
            write(s);
            written.add(s);
        }
        if (policy == FsyncPolicy.ALWAYS) {
            Map<SessionEntry, IOException> failures = fsync(takeDirty(), takeDirectoryDirty());
            for (Staged s : written) {
                IOException f = failures.get(s.entry);
                if (f != null) {
                    SessionStoreException failure = failure("could not fsync", s.entry, f);
                    s.ops.stream().filter(op -> op.failure == null).forEach(op -> op.failure = failure);
                }
            }
        }
    }

    private static Staged stage(Map<SessionKey, Staged> staged, SessionEntry e, boolean created) {
        Staged s = new Staged(e, created);
        if (created) {
            s.addHeader(TranscriptFormat.header(new TranscriptFormat.Header(e.key, e.meta, e.createdAt)));
        }
        staged.put(e.key, s);
        return s;
    }

    /** Writes a session's staged lines with one write; on success publishes them, on failure undoes the write. */
    private void write(Staged s) {
        SessionEntry e = s.entry;
        long at = e.length;
        byte[] bytes = s.bytes();
        try {
            FileChannel ch = channel(e, s.created);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long pos = at;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
        } catch (IOException ex) {
            SessionStoreException failure = ex instanceof FileAlreadyExistsException
                    ? new SessionStoreException("sessions: could not create " + e.file
                            + " (a file of that name exists and is not a transcript this store could read)", ex)
                    : failure("could not write", e, ex);
            undo(s, at);
            s.ops.forEach(op -> op.failure = failure);
            return;
        }
        e.publish(at, bytes.length, s.messages, Arrays.copyOf(s.offsets, s.messages.size()), store.tailSize());
        if (s.created) {
            store.entries().put(e.key, e);
            directoryDirty = true;
        }
        if (policy != FsyncPolicy.NEVER) {
            if (dirty.isEmpty()) {
                firstDirtyAt = System.nanoTime();
            }
            dirty.add(e);
        }
        store.markIndexDirty();
        for (Op op : s.ops) {
            op.result = op instanceof Create ? e.info() : null;
        }
    }

    private void undo(Staged s, long at) {
        SessionEntry e = s.entry;
        try {
            if (s.created) {
                closeQuietly(open.remove(e));
                Files.deleteIfExists(e.file);
            } else {
                FileChannel ch = open.get(e);
                if (ch != null) {
                    ch.truncate(at);
                }
            }
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "sessions: could not undo a failed write to " + e.file + " ("
                    + reason(ex) + "); the partial line is dropped when the store next opens");
        }
    }

    private boolean delete(SessionEntry e) {
        closeQuietly(open.remove(e));
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
        store.entries().remove(e.key, e);
        store.forget(e);
        store.markIndexDirty();
        directoryDirty = true;
        return true;
    }

    private FileChannel channel(SessionEntry e, boolean create) throws IOException {
        FileChannel ch = open.get(e);
        if (ch == null) {
            ch = create ? FileChannel.open(e.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    : FileChannel.open(e.file, StandardOpenOption.WRITE);
            open.put(e, ch);
        }
        return ch;
    }

    /** A file to fsync: taken on the writer thread, so the fsync never looks the channel up. */
    private record Target(SessionEntry entry, FileChannel channel) {}

    private List<Target> takeDirty() {
        List<Target> targets = new ArrayList<>(dirty.size());
        for (SessionEntry e : dirty) {
            FileChannel ch = open.get(e);
            if (ch != null) {
                targets.add(new Target(e, ch));
            }
        }
        dirty.clear();
        return targets;
    }

    private boolean takeDirectoryDirty() {
        boolean d = directoryDirty;
        directoryDirty = false;
        return d;
    }

    /**
     * Fsyncs files ({@value #SYNC_THREADS} at a time when there are several), then the transcripts
     * directory when files came or went. Runs on the writer thread or a background round.
     *
     * @return the files whose fsync failed
     */
    private Map<SessionEntry, IOException> fsync(List<Target> targets, boolean directory) {
        Map<SessionEntry, IOException> failures = new ConcurrentHashMap<>();
        if (targets.size() <= 2) {
            targets.forEach(t -> fsync(t, failures));
        } else {
            int chunks = Math.min(SYNC_THREADS, targets.size());
            List<Future<?>> futures = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                List<Target> part = targets.subList(c * targets.size() / chunks, (c + 1) * targets.size() / chunks);
                futures.add(syncPool.submit(() -> part.forEach(t -> fsync(t, failures))));
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

    private void fsync(Target t, Map<SessionEntry, IOException> failures) {
        try {
            syncer.sync(t.channel(), t.entry().file);
        } catch (ClosedChannelException ex) {
            // Deleted meanwhile: nothing left to keep.
        } catch (IOException ex) {
            failures.put(t.entry(), ex);
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
     * Writes the index (after fsyncing the transcripts, so it never counts bytes that are not on
     * disk). A failure is logged, not thrown: the index is rebuilt from the transcripts if needed.
     *
     * @return the failure, or null
     */
    private IOException writeIndex() {
        store.clearIndexDirty();
        finishRound();
        if (policy != FsyncPolicy.NEVER) {
            logFailures(fsync(takeDirty(), takeDirectoryDirty()));
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

    private void trimOpenFiles() {
        Iterator<Map.Entry<SessionEntry, FileChannel>> it = open.entrySet().iterator();
        while (open.size() > MAX_IDLE_OPEN && it.hasNext()) {
            Map.Entry<SessionEntry, FileChannel> next = it.next();
            if (!dirty.contains(next.getKey()) && !inRound.contains(next.getKey())) {
                closeQuietly(next.getValue());
                it.remove();
            }
        }
    }

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

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a transcript failed", e);
        }
    }

    // ---- batch state -----------------------------------------------------------------------------

    /** One session's part of a batch: the lines to write and the operations waiting on them. */
    private static final class Staged {
        final SessionEntry entry;
        final boolean created;
        final List<byte[]> lines = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        long[] offsets = new long[4];
        final List<Op> ops = new ArrayList<>();
        int size;

        Staged(SessionEntry entry, boolean created) {
            this.entry = entry;
            this.created = created;
        }

        void addHeader(byte[] line) {
            lines.add(line);
            size += line.length;
        }

        void add(Message m, byte[] line) {
            if (messages.size() == offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[messages.size()] = size;
            messages.add(m);
            lines.add(line);
            size += line.length;
        }

        byte[] bytes() {
            if (lines.size() == 1) {
                return lines.get(0);
            }
            byte[] all = new byte[size];
            int at = 0;
            for (byte[] line : lines) {
                System.arraycopy(line, 0, all, at, line.length);
                at += line.length;
            }
            return all;
        }
    }

    /** A queued operation; its result or failure is set by the writer and delivered at the end of the batch. */
    private abstract static sealed class Op permits Create, Append, Delete {
        final SessionKey key;
        final CompletableFuture<Object> done = new CompletableFuture<>();
        Object result;
        RuntimeException failure;

        Op(SessionKey key) {
            this.key = key;
        }

        void finish() {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result);
            }
        }
    }

    private static final class Create extends Op {
        final SessionMeta meta;

        Create(SessionKey key, SessionMeta meta) {
            super(key);
            this.meta = meta;
        }
    }

    private static final class Append extends Op {
        final Message message;
        final byte[] line;

        Append(SessionKey key, Message message, byte[] line) {
            super(key);
            this.message = message;
            this.line = line;
        }
    }

    private static final class Delete extends Op {
        Delete(SessionKey key) {
            super(key);
        }
    }
}
