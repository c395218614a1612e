package dev.portico.core;

import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import dev.portico.api.channel.OutboxStoreException;
import dev.portico.core.InMemoryOutboxStore.Messages;
import dev.portico.core.internal.AtomicFile;
import dev.portico.core.internal.Syncer;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link OutboxStore} in one append-only journal file, under one directory (the packaged
 * server uses {@code <state dir>/outbox/}).
 *
 * <pre>{@code
 * try (FileOutboxStore store = FileOutboxStore.open(stateDir.resolve("outbox"))) {
 *     List<OutboxMessage> waiting = store.load();
 * }
 * }</pre>
 *
 * <h2>Files</h2>
 * {@code outbox.jsonl}, UTF-8, one JSON object per line, each line a whole snapshot of a message:
 * <pre>{@code
 * {"id":"m1","channel":"telegram","account_id":"main","chat_id":"42","text":"hi","reply_context":{},
 *  "source":"api","idempotency_key":"k1","created_at":"2026-03-01T10:00:00Z","status":"pending",
 *  "parts_sent":0,"attempts":0,"next_attempt":"2026-03-01T10:00:00Z"}
 * }</pre>
 * (on one line). Keys are {@code id}, {@code channel}, {@code account_id}, {@code chat_id},
 * {@code thread_id}, {@code text}, {@code reply_context} (an object of strings), {@code source},
 * {@code idempotency_key}, {@code fingerprint}, {@code created_at}, {@code status} ({@code pending},
 * {@code delivered}, {@code failed}, {@code unknown} or {@code expired}), {@code parts_sent},
 * {@code attempts}, {@code next_attempt}, {@code last_error} and {@code platform_message_id}; the
 * optional ones are left out when empty; times are ISO-8601 in UTC. Every {@link #add} and
 * {@link #update} appends one line, and a later line of an id supersedes the earlier ones. The
 * directory is created when missing; {@code outbox.jsonl.tmp} exists only while the journal is
 * rewritten.
 *
 * <h2>Writing and durability</h2>
 * A line is written by the calling thread with one {@code write}, under the store's lock, through a
 * {@link FileOutputStream} in append mode (whose writes, unlike a {@link FileChannel}'s, an
 * interrupt cannot cut off): once {@code add} or {@code update} returns, the operating system has
 * it, so a process that dies loses nothing. What a power cut may lose depends on the
 * {@link FsyncPolicy}:
 * <ul>
 * <li>{@link FsyncPolicy#ALWAYS}: {@code add} returns only after an fsync that covers its line.
 *     Adds that arrive while an fsync runs share the next one (group commit).</li>
 * <li>{@link FsyncPolicy#BATCHED}, the default: {@code add} returns once written; a daemon thread
 *     ({@code portico-outbox-sync}) fsyncs within the {@linkplain Builder#fsyncInterval(Duration)
 *     fsync interval} (200 ms by default) of the first write it has not fsynced.</li>
 * <li>{@link FsyncPolicy#NEVER}: nothing is fsynced, not even by {@link #flush()} or
 *     {@link #close()}.</li>
 * </ul>
 * {@code update} never waits for an fsync, under any policy: its line is fsynced with the next
 * group of adds or within the fsync interval. After a power cut a message may therefore be loaded
 * in an older state and be sent again (delivery is at least once), but an added message is not
 * lost. {@link #flush()} fsyncs at once; {@link #close()} fsyncs and closes the file. The fsyncs
 * run on the daemon thread, so an interrupted caller never closes the journal under the others.
 *
 * <h2>Loading and compaction</h2>
 * Opening the store reads the journal (so {@link #load()} may be called at any time, as often as
 * needed, and needs no disk access), keeps the last snapshot of each id, and keeps the messages
 * {@link OutboxStore#load()} describes: every pending one, and each finished one that carries an
 * idempotency key and whose {@code createdAt} is within the {@linkplain Builder#retention(Duration)
 * retention} (24 hours by default), at most {@linkplain Builder#maxRetained(int) 100,000} of those
 * (the newest by {@code createdAt}). A finished message without a key is forgotten by the update
 * that finishes it. The last line, when a crash cut it off (no line end, or not a whole JSON
 * object), is ignored; a whole object that only lacks its line end is used. Any other line that
 * cannot be read is skipped with a WARNING naming its line number: a damaged journal never stops
 * the gateway from starting, and costs only the lines it damaged.
 *
 * <p>The journal is then rewritten with just the messages kept, oldest first, atomically: a
 * temporary file {@code outbox.jsonl.tmp} is written and fsynced, renamed over the journal, and the
 * directory fsynced (no fsync under {@code NEVER}). While the store runs, the same rewrite happens
 * (on the writing thread, under the lock) once the journal is over 4 MiB and over four times the
 * size of the snapshots kept, so it stays small however many updates are written. A rewrite that
 * fails while running is logged and tried again 4 MiB later; the journal stays as it was.
 *
 * <h2>Failures</h2>
 * A failure to read or write (permissions, a full disk) throws {@link OutboxStoreException}
 * naming the file and the reason; a write that fails is cut off again so the journal still ends
 * with a whole line. If an {@code add} fails in its fsync, its line may still be in the journal,
 * so the message may be delivered after a restart although the call failed.
 */
public final class FileOutboxStore implements OutboxStore {
    private static final System.Logger LOG = System.getLogger(FileOutboxStore.class.getName());
    /** The journal's name in the directory. */
    static final String JOURNAL = "outbox.jsonl";
    /** The journal is compacted only once it is larger than this. */
    static final long COMPACT_BYTES = 4L * 1024 * 1024;
    /** ... and only once it is larger than this many times the snapshots it keeps. */
    private static final int COMPACT_RATIO = 4;
    private static final JsonGeneratorFactory GENERATORS = JsonProvider.provider().createGeneratorFactory(Map.of());
    /** A store must read back all it wrote, whatever the length of a text. */
    private static final JsonParserFactory PARSERS = JsonProvider.provider()
            .createParserFactory(Map.of("org.eclipse.parsson.maxParsingLimit", Integer.MAX_VALUE));

    private final Path directory;
    private final Path file;
    private final FsyncPolicy policy;
    private final long fsyncIntervalNanos;
    private final Clock clock;
    private final Syncer syncer;
    private final Messages messages;
    private final Thread syncThread;

    /** Held to write the journal, and for every change of the fields it guards. */
    private final ReentrantLock writeLock = new ReentrantLock();
    // Guarded by writeLock:
    /** The journal's length as this store wrote it. */
    private long journalBytes;
    /** Whether the journal ends in part of a line that a failed write left and could not cut off. */
    private boolean torn;
    /** After a failed compaction, the journal length at which to try again. */
    private long compactAgainAt;
    /** Set under writeLock, so no write starts after it; read anywhere. */
    private volatile boolean closed;

    /** The journal open for appending; null when it must be reopened (after a failed rewrite). */
    private volatile Journal journal;
    /** Bytes written since the store opened, across rewrites; changed under writeLock. */
    private volatile long written;

    /** Held briefly to hand fsync work between the callers and the sync thread. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition changed = syncLock.newCondition();
    // Guarded by syncLock:
    /** How far {@link #written} is on storage. */
    private long synced;
    /** Whether an fsync or a rewrite is under way: they run one at a time. */
    private boolean busy;
    /** The round that waiters join; the sync thread runs it next. */
    private Round next = new Round();
    /** Set by close(): the sync thread runs a last round and ends. */
    private boolean stopping;

    /** When the first write not yet fsynced happened ({@link System#nanoTime()}); 0 when none. */
    private final AtomicLong firstUnsyncedAt = new AtomicLong();
    /** Whether the last fsync failed, so a run of failures is logged once; only the sync thread uses it. */
    private boolean failing;

    /**
     * The journal's append stream (which writes, uninterruptibly) and its channel (which fsyncs).
     *
     * @param out the stream
     * @param channel its channel
     */
    private record Journal(FileOutputStream out, FileChannel channel) {}

    /** One fsync and the callers waiting for it. */
    private static final class Round {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean requested;
        int waiters;
    }

    private FileOutboxStore(Builder b) {
        this.directory = b.directory;
        this.file = directory.resolve(JOURNAL);
        this.policy = b.fsync;
        this.fsyncIntervalNanos = b.fsyncInterval.toNanos();
        this.clock = b.clock;
        this.syncer = b.syncer;
        this.messages = new Messages(b.retention, b.maxRetained);
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(AtomicFile.tmp(file));
        } catch (IOException e) {
            throw new OutboxStoreException("outbox: could not use " + directory + " (" + reason(e) + ")", e);
        }
        int lines = read();
        try {
            rewrite();
            journal = openJournal();
        } catch (IOException e) {
            throw new OutboxStoreException("outbox: could not write " + file + " (" + reason(e) + ")", e);
        }
        LOG.log(System.Logger.Level.DEBUG, "outbox: opened " + file + ": " + messages.size() + " messages kept of "
                + lines + " lines");
        this.syncThread = policy == FsyncPolicy.NEVER ? null
                : Thread.ofPlatform().name("portico-outbox-sync").daemon(true).unstarted(this::syncLoop);
    }

    /**
     * Opens (or creates) a store in {@code directory} with the defaults.
     *
     * @param directory the outbox directory, created when missing
     * @return the open store, with the journal read and compacted
     * @throws OutboxStoreException when the directory or the journal cannot be used
     */
    public static FileOutboxStore open(Path directory) {
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

    // ---- the store ----------------------------------------------------------------------------

    /**
     * {@inheritDoc} The messages are held in memory since the store opened, so this reads no file
     * and may be called at any time.
     *
     * @throws IllegalStateException when the store is closed
     */
    @Override
    public List<OutboxMessage> load() {
        writeLock.lock();
        try {
            ensureOpen();
            return messages.live(clock.instant());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@inheritDoc} Returns once the line is written, and under {@link FsyncPolicy#ALWAYS} once it
     * is fsynced too.
     *
     * @throws IllegalStateException when the store is closed
     */
    @Override
    public void add(OutboxMessage message) {
        long end = append(message);
        if (policy == FsyncPolicy.ALWAYS) {
            awaitSynced(end);
        } else if (policy == FsyncPolicy.BATCHED) {
            unsynced();
        }
    }

    /**
     * {@inheritDoc} Returns once the line is written; it is fsynced later (see the class comment).
     *
     * @throws IllegalStateException when the store is closed
     */
    @Override
    public void update(OutboxMessage message) {
        append(message);
        if (policy != FsyncPolicy.NEVER) {
            unsynced();
        }
    }

    /**
     * {@inheritDoc} Fsyncs what was written and is not yet (nothing under {@link FsyncPolicy#NEVER}).
     *
     * @throws IllegalStateException when the store is closed
     */
    @Override
    public void flush() {
        ensureOpen();
        if (policy != FsyncPolicy.NEVER) {
            awaitSynced(written);
        }
    }

    /**
     * Fsyncs what is not yet (unless {@link FsyncPolicy#NEVER}), stops the sync thread and closes
     * the journal. Later calls do nothing; any other method then throws
     * {@link IllegalStateException}.
     *
     * @throws OutboxStoreException when the last fsync failed
     */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true; // no write starts after this, and none is under way
        } finally {
            writeLock.unlock();
        }
        OutboxStoreException failure = null;
        if (syncThread != null) {
            Round last;
            syncLock.lock();
            try {
                stopping = true;
                last = next;
                changed.signalAll();
            } finally {
                syncLock.unlock();
            }
            joinUninterruptibly(syncThread);
            try {
                last.done.join();
            } catch (CompletionException e) {
                failure = e.getCause() instanceof OutboxStoreException o ? o
                        : new OutboxStoreException("outbox: could not fsync " + file + " (" + e.getCause() + ")", e);
            }
        }
        Journal j = journal;
        journal = null;
        closeQuietly(j);
        if (failure != null) {
            throw failure;
        }
    }

    /** Callers waiting for an fsync that has not started yet; for tests. */
    int awaitingFsync() {
        syncLock.lock();
        try {
            return next.waiters;
        } finally {
            syncLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileOutboxStore[" + file + ", " + policy + "]";
    }

    // ---- writing ------------------------------------------------------------------------------

    /** Writes a message's line and takes its new state; returns how far the writes reach after it. */
    private long append(OutboxMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] line = line(message);
        writeLock.lock();
        try {
            ensureOpen();
            write(line);
            messages.put(message, line.length, clock.instant());
            long end = written;
            if (journalBytes > COMPACT_BYTES && journalBytes > COMPACT_RATIO * messages.bytes()
                    && journalBytes >= compactAgainAt) {
                compact();
            }
            return end;
        } finally {
            writeLock.unlock();
        }
    }

    /** Appends bytes to the journal with one write; called under the write lock. */
    private void write(byte[] line) {
        byte[] bytes = line;
        if (torn) { // a failed write left part of a line that could not be cut off: end it first
            bytes = new byte[line.length + 1];
            bytes[0] = '\n';
            System.arraycopy(line, 0, bytes, 1, line.length);
        }
        try {
            Journal j = journal;
            if (j == null) {
                j = openJournal();
                journal = j;
            }
            j.out().write(bytes);
        } catch (IOException e) {
            undo();
            throw new OutboxStoreException("outbox: could not write " + file + " (" + reason(e) + ")", e);
        }
        torn = false;
        journalBytes += bytes.length;
        written += bytes.length; // after journal: whoever reads this sees the stream it went to
    }

    /** Cuts off what a failed write may have left, so the journal still ends with a whole line. */
    private void undo() {
        boolean interrupted = Thread.interrupted(); // an interrupt would close the channel at once
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() > journalBytes) {
                ch.truncate(journalBytes);
            }
        } catch (IOException e) {
            torn = true;
            try {
                journalBytes = Files.size(file);
            } catch (IOException ignored) {
                // the size stays as known; it only decides when to compact
            }
            LOG.log(System.Logger.Level.WARNING, "outbox: could not cut a failed write off " + file + " ("
                    + reason(e) + "); the next line starts on a new line, and the part is skipped when the store opens");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Rewrites the journal with the messages kept, while no fsync runs; called under the write
     * lock. A failure is logged, and the rewrite tried again once the journal has grown some more.
     */
    private void compact() {
        claimSync();
        boolean done = false;
        boolean interrupted = Thread.interrupted(); // the rewrite's channels would be closed by an interrupt
        try {
            long before = journalBytes;
            rewrite();
            done = true;
            try {
                journal = openJournal();
            } catch (IOException e) {
                // The rewrite holds every message; the next write opens the journal again.
                LOG.log(System.Logger.Level.WARNING, "outbox: could not open " + file + " for appending after"
                        + " compacting it (" + reason(e) + "); trying again on the next write");
            }
            LOG.log(System.Logger.Level.DEBUG, "outbox: compacted " + file + " from " + before + " to " + journalBytes
                    + " bytes (" + messages.size() + " messages)");
        } catch (IOException e) {
            compactAgainAt = journalBytes + COMPACT_BYTES;
            LOG.log(System.Logger.Level.WARNING, "outbox: could not compact " + file + " (" + reason(e)
                    + "); appending to it as it is, and trying again once it has grown by "
                    + COMPACT_BYTES / (1024 * 1024) + " MiB");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            releaseSync(done);
        }
    }

    /**
     * Replaces the journal with the messages kept and closes the stream to the old one (the caller
     * opens the new one); called under the write lock (or by the constructor) while no fsync runs.
     */
    private void rewrite() throws IOException {
        List<OutboxMessage> kept = messages.live(clock.instant());
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, messages.bytes() + 16));
        for (OutboxMessage m : kept) {
            out.write(line(m));
        }
        AtomicFile.replace(file, out.toByteArray(), policy == FsyncPolicy.NEVER ? null : syncer);
        Journal old = journal;
        journal = null;
        closeQuietly(old); // it now appends to the replaced file
        journalBytes = out.size();
        torn = false;
        compactAgainAt = 0;
    }

    private Journal openJournal() throws IOException {
        FileOutputStream out;
        try {
            out = new FileOutputStream(file.toFile(), true);
        } catch (FileNotFoundException e) {
            throw new IOException(streamReason(e), e); // its message is the path and then the reason
        }
        return new Journal(out, out.getChannel());
    }

    private static void closeQuietly(Journal j) {
        if (j == null) {
            return;
        }
        try {
            j.out().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "outbox: closing the journal failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("outbox store closed");
        }
    }

    // ---- fsync --------------------------------------------------------------------------------

    /** Tells the sync thread there is a write to fsync within the interval; wakes it for the first. */
    private void unsynced() {
        if (firstUnsyncedAt.get() == 0 && firstUnsyncedAt.compareAndSet(0, System.nanoTime())) {
            syncLock.lock();
            try {
                changed.signalAll();
            } finally {
                syncLock.unlock();
            }
        }
    }

    /** Waits until the journal is fsynced up to {@code target} bytes of writes, asking for an fsync now. */
    private void awaitSynced(long target) {
        Round round;
        syncLock.lock();
        try {
            if (synced >= target) {
                return;
            }
            round = next; // after close began, the last round: it covers every write
            round.requested = true;
            round.waiters++;
            changed.signalAll();
        } finally {
            syncLock.unlock();
        }
        try {
            round.done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof OutboxStoreException o ? o
                    : new OutboxStoreException("outbox: could not fsync " + file + " (" + e.getCause() + ")", e);
        }
    }

    /** Waits until no fsync runs and keeps others from starting; for a rewrite. */
    private void claimSync() {
        syncLock.lock();
        try {
            while (busy) {
                changed.awaitUninterruptibly();
            }
            busy = true;
        } finally {
            syncLock.unlock();
        }
    }

    /** Lets fsyncs run again; after a rewrite, everything written so far is on storage. */
    private void releaseSync(boolean rewritten) {
        syncLock.lock();
        try {
            if (rewritten && policy != FsyncPolicy.NEVER) {
                synced = Math.max(synced, written);
            }
            busy = false;
            changed.signalAll();
        } finally {
            syncLock.unlock();
        }
    }

    /** The sync thread: runs a round when a caller asks for one or a batch is due, until closed. */
    private void syncLoop() {
        while (true) {
            Round round;
            boolean stop;
            long upTo;
            Journal j;
            long alreadySynced;
            syncLock.lock();
            try {
                while (busy || !(stopping || next.requested || nanosToBatch() <= 0)) {
                    long wait = busy ? Long.MAX_VALUE : nanosToBatch();
                    if (wait == Long.MAX_VALUE) {
                        changed.awaitUninterruptibly();
                    } else {
                        try {
                            changed.awaitNanos(wait);
                        } catch (InterruptedException e) {
                            // Nobody interrupts this thread; close() is the way to stop it.
                        }
                    }
                }
                stop = stopping;
                round = next;
                if (!stop) {
                    next = new Round(); // once stopping, later waiters join this last round
                }
                busy = true;
                firstUnsyncedAt.set(0);
                upTo = written; // then the stream: a write counted here went to it
                j = journal;
                alreadySynced = synced;
            } finally {
                syncLock.unlock();
            }
            Exception failure = null;
            if (upTo > alreadySynced && j != null) {
                try {
                    syncer.sync(j.channel(), file);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
            }
            syncLock.lock();
            try {
                if (failure == null) {
                    synced = Math.max(synced, upTo);
                }
                busy = false;
                changed.signalAll();
            } finally {
                syncLock.unlock();
            }
            finish(round, failure);
            if (stop) {
                return;
            }
        }
    }

    /** Completes a round's waiters; logs a failure nobody waited for, and has the fsync tried again. */
    private void finish(Round round, Exception failure) {
        if (failure == null) {
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "outbox: fsyncing " + file + " works again");
                failing = false;
            }
            round.done.complete(null);
            return;
        }
        String why = failure instanceof IOException io ? reason(io) : failure.toString();
        OutboxStoreException e = new OutboxStoreException("outbox: could not fsync " + file + " (" + why + ")", failure);
        if (round.waiters == 0) {
            LOG.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, e.getMessage()
                    + "; messages written since the last fsync may be lost on a power failure; trying again");
        }
        failing = true;
        firstUnsyncedAt.compareAndSet(0, System.nanoTime());
        round.done.completeExceptionally(e);
    }

    /** How long until the oldest write not yet fsynced is due; {@link Long#MAX_VALUE} when there is none. */
    private long nanosToBatch() {
        long first = firstUnsyncedAt.get();
        return first == 0 ? Long.MAX_VALUE : first + fsyncIntervalNanos - System.nanoTime();
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Reads the journal into {@link #messages}; returns how many lines it had. */
    private int read() {
        Map<String, OutboxMessage> latest = new HashMap<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int lineNumber = 0;
        byte[] line = new byte[4096];
        int length = 0;
        // A FileInputStream, not a channel: an interrupt of the opening thread must not stop the reading.
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = in.read(chunk)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    if (length + i - start > line.length) {
                        line = Arrays.copyOf(line, Math.max(line.length * 2, length + i - start));
                    }
                    System.arraycopy(chunk, start, line, length, i - start);
                    length += i - start;
                    lineNumber++;
                    String problem = take(line, length, utf8, latest);
                    if (problem != null) {
                        LOG.log(System.Logger.Level.WARNING, "outbox: " + file + ": skipped line " + lineNumber + " ("
                                + problem + ")");
                    }
                    length = 0;
                    start = i + 1;
                }
                if (length + n - start > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, length + n - start));
                }
                System.arraycopy(chunk, start, line, length, n - start);
                length += n - start;
            }
        } catch (FileNotFoundException e) {
            if (Files.exists(file)) {
                throw new OutboxStoreException("outbox: could not read " + file + " (" + streamReason(e) + ")", e);
            }
            return 0; // a new outbox
        } catch (IOException e) {
            throw new OutboxStoreException("outbox: could not read " + file + " (" + reason(e) + ")", e);
        }
        if (length > 0) {
            lineNumber++;
            if (take(line, length, utf8, latest) != null) {
                LOG.log(System.Logger.Level.WARNING, "outbox: " + file + ": ignored its last line, " + length
                        + " bytes cut off (a write interrupted by a crash)");
            }
        }
        Instant now = clock.instant();
        for (OutboxMessage m : latest.values()) {
            messages.put(m, line(m).length, now);
        }
        return lineNumber;
    }

    /**
     * Takes one line's snapshot.
     *
     * @return null when the line was read (or empty), else why it could not be
     */
    private static String take(byte[] bytes, int length, CharsetDecoder utf8, Map<String, OutboxMessage> latest) {
        if (length == 0) {
            return null; // an empty line: the line end a failed write was closed with
        }
        try {
            String text = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            OutboxMessage m = message(object(text));
            latest.put(m.id(), m);
            return null;
        } catch (CharacterCodingException e) {
            return "not UTF-8";
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            return "not a JSON object";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Parses a text that must be one JSON object and nothing after it. */
    private static JsonObject object(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new JsonException("not a JSON object");
            }
            JsonObject o = parser.getObject();
            if (parser.hasNext()) {
                throw new JsonException("more after the object");
            }
            return o;
        }
    }

    // ---- the line format ----------------------------------------------------------------------

    /**
     * A message's journal line: a compact JSON object and a line end.
     *
     * @param m the message
     * @return the UTF-8 bytes
     */
    static byte[] line(OutboxMessage m) {
        StringWriter w = new StringWriter(320 + m.text().length());
        try (JsonGenerator g = GENERATORS.createGenerator(w)) {
            g.writeStartObject();
            g.write("id", m.id());
            g.write("channel", m.channel());
            g.write("account_id", m.accountId());
            g.write("chat_id", m.chatId());
            m.threadId().ifPresent(v -> g.write("thread_id", v));
            g.write("text", m.text());
            g.writeStartObject("reply_context");
            new TreeMap<>(m.replyContext()).forEach(g::write);
            g.writeEnd();
            g.write("source", m.source());
            m.idempotencyKey().ifPresent(v -> g.write("idempotency_key", v));
            m.fingerprint().ifPresent(v -> g.write("fingerprint", v));
            g.write("created_at", m.createdAt().toString());
            g.write("status", m.status().wireName());
            g.write("parts_sent", m.partsSent());
            g.write("attempts", m.attempts());
            g.write("next_attempt", m.nextAttempt().toString());
            m.lastError().ifPresent(v -> g.write("last_error", v));
            m.platformMessageId().ifPresent(v -> g.write("platform_message_id", v));
            g.writeEnd();
        }
        w.write('\n');
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The message of a journal line.
     *
     * @param o the line's object
     * @return the message
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    static OutboxMessage message(JsonObject o) {
        return new OutboxMessage(string(o, "id"), string(o, "channel"), string(o, "account_id"), string(o, "chat_id"),
                optional(o, "thread_id"), string(o, "text"), replyContext(o), string(o, "source"),
                optional(o, "idempotency_key"), optional(o, "fingerprint"), instant(o, "created_at"),
                status(o), count(o, "parts_sent"), count(o, "attempts"), instant(o, "next_attempt"),
                optional(o, "last_error"), optional(o, "platform_message_id"));
    }

    private static String string(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw new IllegalArgumentException(name + ": " + (v == null ? "missing" : "not a string"));
    }

    private static Optional<String> optional(JsonObject o, String name) {
        return o.containsKey(name) ? Optional.of(string(o, name)) : Optional.empty();
    }

    private static Map<String, String> replyContext(JsonObject o) {
        JsonValue v = o.get("reply_context");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof JsonObject context)) {
            throw new IllegalArgumentException("reply_context: not an object");
        }
        Map<String, String> out = new HashMap<>();
        for (String key : context.keySet()) {
            out.put(key, string(context, key));
        }
        return out;
    }

    private static Instant instant(JsonObject o, String name) {
        String text = string(o, name);
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(name + ": not an ISO-8601 instant", e);
        }
    }

    private static DeliveryStatus status(JsonObject o) {
        return DeliveryStatus.fromWire(string(o, "status"));
    }

    private static int count(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.intValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(name + ": out of range", e);
            }
        }
        throw new IllegalArgumentException(name + ": " + (v == null ? "missing" : "not a whole number"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        if (e instanceof FileNotFoundException) {
            return streamReason(e);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The reason of a stream's failure to open: its message is the path and the reason in parentheses. */
    private static String streamReason(IOException e) {
        String m = e.getMessage();
        int at = m == null ? -1 : m.lastIndexOf(" (");
        return at >= 0 && m.endsWith(")") ? m.substring(at + 2, m.length() - 1) : "cannot open";
    }

    /** Builds a {@link FileOutboxStore}; {@link #build()} opens it. */
    public static final class Builder {
        private Path directory;
        private FsyncPolicy fsync = FsyncPolicy.BATCHED;
        private Duration fsyncInterval = Duration.ofMillis(200);
        private Duration retention = Messages.DEFAULT_RETENTION;
        private int maxRetained = Messages.DEFAULT_MAX_RETAINED;
        private Clock clock = Clock.systemUTC();
        private Syncer syncer = Syncer.system();

        private Builder() {}

        /**
         * Sets the outbox directory (required); created when missing.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets when written messages are forced to storage.
         *
         * @param fsync the policy; {@link FsyncPolicy#BATCHED} by default
         * @return this builder
         */
        public Builder fsync(FsyncPolicy fsync) {
            this.fsync = Objects.requireNonNull(fsync, "fsync");
            return this;
        }

        /**
         * Sets the longest a written line waits for its fsync under {@link FsyncPolicy#BATCHED}
         * (and an update's line under {@link FsyncPolicy#ALWAYS}).
         *
         * @param fsyncInterval 1 ms to 10 s; 200 ms by default
         * @return this builder
         */
        public Builder fsyncInterval(Duration fsyncInterval) {
            this.fsyncInterval = Objects.requireNonNull(fsyncInterval, "fsyncInterval");
            return this;
        }

        /**
         * Sets how long after its {@code createdAt} a finished message with an idempotency key is
         * kept, so that a repeated request gets its first answer.
         *
         * @param retention 0 to 30 days; 24 hours by default
         * @return this builder
         */
        public Builder retention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * Sets how many finished messages with an idempotency key are kept at most; beyond it the
         * oldest (by {@code createdAt}) are dropped first.
         *
         * @param maxRetained 0 to 10,000,000; 100,000 by default
         * @return this builder
         */
        public Builder maxRetained(int maxRetained) {
            this.maxRetained = maxRetained;
            return this;
        }

        /**
         * Sets the clock retention is measured on.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Replaces each fsync, for tests that observe or hold them back. */
        Builder syncer(Syncer syncer) {
            this.syncer = Objects.requireNonNull(syncer, "syncer");
            return this;
        }

        /**
         * Validates the settings and opens the store: reads the journal, rewrites it with just the
         * messages kept, and starts the sync thread (unless {@link FsyncPolicy#NEVER}).
         *
         * @return the open store
         * @throws IllegalStateException when the directory was not set
         * @throws IllegalArgumentException when a setting is out of range
         * @throws OutboxStoreException when the directory or the journal cannot be used
         */
        public FileOutboxStore build() {
            if (directory == null) {
                throw new IllegalStateException("directory: required (expected: the outbox directory)");
            }
            if (fsyncInterval.compareTo(Duration.ofMillis(1)) < 0 || fsyncInterval.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("fsyncInterval: " + fsyncInterval + " (expected: PT0.001S to PT10S)");
            }
            Messages.check(retention, maxRetained);
            FileOutboxStore store = new FileOutboxStore(this);
            if (store.syncThread != null) {
                store.syncThread.start();
            }
            return store;
        }
    }
}
