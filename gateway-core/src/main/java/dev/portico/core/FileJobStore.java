package dev.portico.core;

import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.JobStore;
import dev.portico.api.cron.JobStoreException;
import dev.portico.api.cron.RunStatus;
import dev.portico.core.internal.AtomicFile;
import dev.portico.core.internal.CronJson;
import dev.portico.core.internal.Syncer;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link JobStore} in files, under one directory (the packaged server uses
 * {@code <state dir>/cron/}).
 *
 * <pre>{@code
 * try (FileJobStore store = FileJobStore.open(stateDir.resolve("cron"))) {
 *     List<Job> jobs = store.load();
 * }
 * }</pre>
 *
 * <h2>Files</h2>
 * <ul>
 * <li>{@code jobs.json}: every job, definition and state, in the shape the API shows them
 *     ({@link CronJson}) plus its {@code idempotency_key}:
 *     {@code {"version":1,"jobs":[{"id":"morning",…},…]}}, one job per line, oldest first.
 *     Replaced whole and atomically: a temporary file {@code jobs.json.tmp} in the same directory
 *     is written and fsynced, renamed over {@code jobs.json}, and the directory fsynced.</li>
 * <li>{@code runs/<jobId>.jsonl}: a job's run history, one run record per line
 *     ({@code {"run_id":"…","job_id":"…","trigger":"schedule","status":"running",…}}), appended as
 *     runs start and end; the later record of a run supersedes the earlier one.</li>
 * </ul>
 *
 * <h2>Writing and durability</h2>
 * {@link #save(Job)} and {@link #delete(String)} rewrite {@code jobs.json} before they return, so
 * a definition is durable once they have. {@link #saveState(Job)}, called after every run, only
 * updates the job in memory: a daemon thread ({@code portico-cron-store}) rewrites
 * {@code jobs.json} at most once per {@link Builder#stateFlushDelay(Duration) state flush delay}
 * (1 s by default) while states have changed, and {@link #flush()} and {@link #close()} write them
 * at once. One write of {@code jobs.json} runs at a time.
 *
 * <p>A run record is appended by the calling thread with one write, without an fsync: once
 * {@link #recordRun(JobRun)} returns the operating system has it, so a process that dies loses
 * nothing, but a power cut may lose the last records. A runs file grows to twice
 * {@link Builder#maxRunsPerJob(int) the runs kept} (500 by default) before it is rewritten
 * (atomically, as {@code jobs.json}) with the latest record of each of the newest runs kept, so an
 * append never rewrites the file. Records of a job no longer stored are dropped.
 *
 * <h2>Crashes</h2>
 * States are written lazily, so after a crash {@code jobs.json} may hold an older state than the
 * run history: the run records are the truth about runs. Opening brings each job up to date from
 * the last record of its runs file: when that run started at or after the job's {@code lastRun}
 * (or the job has none), the job's {@code lastRun} becomes its start and, once it has ended, its
 * {@code lastStatus}, {@code lastError} and {@code lastDurationMs} come from it ({@code nextRun}
 * and the counts are left as they were). {@link #unfinishedRuns()} then gives the runs a crash cut
 * short.
 *
 * <p>A {@code jobs.json} that cannot be read at all (not JSON, not an object, another version) is
 * moved aside to {@code jobs.json.corrupt-<epoch millis>} with a WARNING and the store starts with
 * no jobs. When only some jobs in it cannot be read, each is named in a WARNING, the others are
 * loaded, and the file is copied to {@code jobs.json.unreadable-<epoch millis>} first, so the
 * unreadable ones are not lost when the file is next rewritten. A line of a runs file that cannot
 * be read (such as the last one, cut off by a crash) is skipped. Leftover temporary files are
 * deleted. Failures to read or write (permissions, a full disk) throw {@link JobStoreException}
 * naming the file.
 */
public final class FileJobStore implements JobStore {
    /** How many runs per job are kept by default. */
    public static final int DEFAULT_MAX_RUNS_PER_JOB = 500;

    private static final System.Logger LOG = System.getLogger(FileJobStore.class.getName());
    /**
     * Parses jobs.json whatever its size: the JSON provider refuses documents over 15,000,000
     * characters by default (some 24,000 jobs), and a store must read back all it wrote.
     */
    private static final JsonParserFactory PARSERS = JsonProvider.provider()
            .createParserFactory(Map.of("org.eclipse.parsson.maxParsingLimit", Integer.MAX_VALUE));
    private static final String JOBS = "jobs.json";
    private static final String RUNS = "runs";
    private static final String RUNS_SUFFIX = ".jsonl";
    private static final int VERSION = 1;
    private static final int STRIPES = 64;
    /** How much of the end of a runs file is read for its last record. */
    private static final int TAIL_BYTES = 16 * 1024;

    private final Path directory;
    private final Path jobsFile;
    private final Path runsDirectory;
    private final int maxRunsPerJob;
    private final Duration stateFlushDelay;
    private final Syncer syncer;

    /** Every job; read by any thread, replaced whole per job. */
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Held while {@code jobs.json} is written, and by {@code save} and {@code delete} around their change. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards {@link #dirty} and {@link #closed}; the flusher waits on {@link #stateChanged}. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition stateChanged = stateLock.newCondition();
    private boolean dirty;
    private volatile boolean closed;
    private final Thread flusher;

    /** A job's runs file is read and written under its stripe. */
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    /** What is known of each runs file, under its job's stripe; measured on the first append. */
    private final Map<String, RunsFile> runsFiles = new ConcurrentHashMap<>();

    /** A runs file as appends left it. */
    private static final class RunsFile {
        /** Its line ends. */
        long lines;
        /** Whether it ends in part of a line (a write cut off): the next append starts a new line. */
        boolean torn;
    }

    private FileJobStore(Builder b) {
        this.directory = b.directory;
        this.jobsFile = directory.resolve(JOBS);
        this.runsDirectory = directory.resolve(RUNS);
        this.maxRunsPerJob = b.maxRunsPerJob;
        this.stateFlushDelay = b.stateFlushDelay;
        this.syncer = b.syncer;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(runsDirectory);
            Files.deleteIfExists(AtomicFile.tmp(jobsFile));
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(runsDirectory, "*" + AtomicFile.TMP_SUFFIX)) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new JobStoreException("cron: could not use " + directory + " (" + reason(e) + ")", e);
        }
        readJobs();
        for (String jobId : jobsWithRuns()) {
            jobs.computeIfPresent(jobId, (id, job) -> upToDate(job));
        }
        LOG.log(System.Logger.Level.DEBUG, "cron: opened " + directory + ": " + jobs.size() + " jobs");
        this.flusher = Thread.ofPlatform().name("portico-cron-store").daemon(true).unstarted(this::flushLoop);
    }

    /**
     * Opens (or creates) a store in {@code directory} with the defaults.
     *
     * @param directory the cron directory, created when missing
     * @return the open store
     * @throws JobStoreException when the directory or {@code jobs.json} cannot be read
     */
    public static FileJobStore open(Path directory) {
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

    // ---- jobs ---------------------------------------------------------------------------------

    @Override
    public List<Job> load() {
        ensureOpen();
        return List.copyOf(jobs.values());
    }

    /** {@inheritDoc} On failure the job is as it was before the call. */
    @Override
    public void save(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        writeLock.lock();
        try {
            Job previous = jobs.put(job.id(), job);
            try {
                writeJobs();
            } catch (IOException e) {
                if (previous == null) {
                    jobs.remove(job.id(), job);
                } else {
                    jobs.replace(job.id(), job, previous);
                }
                throw new JobStoreException("cron: could not write " + jobsFile + " (" + reason(e) + ")", e);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** {@inheritDoc} A job no longer stored stays deleted: its state is dropped. */
    @Override
    public void saveState(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        if (jobs.computeIfPresent(job.id(), (id, old) -> job) != null) {
            markDirty();
        }
    }

    /** Tells the writer there is something to write; wakes it only when there was nothing. */
    private void markDirty() {
        stateLock.lock();
        try {
            if (!dirty) {
                dirty = true;
                stateChanged.signalAll();
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * {@inheritDoc} The job is gone from {@code jobs.json} when this returns; a runs file that
     * cannot be deleted is left with a WARNING.
     */
    @Override
    public boolean delete(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        ensureOpen();
        writeLock.lock();
        try {
            Job previous = jobs.remove(jobId);
            if (previous == null) {
                return false;
            }
            try {
                writeJobs();
            } catch (IOException e) {
                jobs.putIfAbsent(jobId, previous);
                throw new JobStoreException("cron: could not write " + jobsFile + " (" + reason(e) + ")", e);
            }
            deleteRuns(jobId);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@inheritDoc} The job is gone from {@link #load()} and its runs file deleted at once;
     * {@code jobs.json} is rewritten with the next batch of states.
     */
    @Override
    public void deleteLater(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        ensureOpen();
        if (jobs.remove(jobId) == null) {
            return;
        }
        deleteRuns(jobId);
        markDirty();
    }

    /** Deletes a deleted job's runs file; one that cannot be deleted is left with a WARNING. */
    private void deleteRuns(String jobId) {
        ReentrantLock lock = stripe(jobId);
        lock.lock();
        try {
            runsFiles.remove(jobId);
            Files.deleteIfExists(runsFile(jobId));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cron: deleted job " + jobId + " but could not delete "
                    + runsFile(jobId) + " (" + reason(e) + ")");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        ensureOpen();
        writeIfDirty();
    }

    /**
     * Stops the writer and writes the states it held back. Later calls do nothing; any other
     * method then throws {@link IllegalStateException}.
     *
     * @throws JobStoreException when the last write failed
     */
    @Override
    public void close() {
        stateLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        boolean interrupted = false;
        while (flusher.isAlive()) {
            try {
                flusher.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        writeIfDirty();
    }

    // ---- runs ---------------------------------------------------------------------------------

    /**
     * {@inheritDoc} The record is appended to the job's runs file without an fsync: the operating
     * system has it when this returns, but a power cut may lose it. A record for a job not stored
     * (deleted meanwhile) is dropped.
     */
    @Override
    public void recordRun(JobRun run) {
        Objects.requireNonNull(run, "run");
        ensureOpen();
        String jobId = run.jobId();
        byte[] line = (CronJson.run(run) + "\n").getBytes(StandardCharsets.UTF_8);
        ReentrantLock lock = stripe(jobId);
        lock.lock();
        try {
            if (!jobs.containsKey(jobId)) {
                LOG.log(System.Logger.Level.DEBUG, "cron: dropped a record of run " + run.runId() + " of job " + jobId
                        + ", which is not stored");
                return;
            }
            Path file = runsFile(jobId);
            RunsFile known = runsFiles.get(jobId);
            try {
                if (known == null) {
                    known = measure(file);
                    runsFiles.put(jobId, known);
                }
                ByteBuffer bytes = ByteBuffer.allocate(line.length + (known.torn ? 1 : 0));
                if (known.torn) {
                    bytes.put((byte) '\n');
                }
                bytes.put(line).flip();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    while (bytes.hasRemaining()) {
                        ch.write(bytes);
                    }
                }
            } catch (IOException e) {
                runsFiles.remove(jobId); // measured again on the next append
                throw new JobStoreException("cron: could not append to " + file + " (" + reason(e) + ")", e);
            }
            known.lines += known.torn ? 2 : 1;
            known.torn = false;
            if (known.lines > 2L * maxRunsPerJob) {
                trim(jobId, file, known);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} At most the {@link Builder#maxRunsPerJob(int) runs kept} are returned. */
    @Override
    public List<JobRun> runs(String jobId, int limit) {
        Objects.requireNonNull(jobId, "jobId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: at least 1)");
        }
        ensureOpen();
        List<JobRun> kept = keptRuns(jobId);
        List<JobRun> out = new ArrayList<>(Math.min(limit, kept.size()));
        for (int i = kept.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(kept.get(i));
        }
        return out;
    }

    /**
     * {@inheritDoc} Only the last record of each runs file is read: a job's runs never overlap, and
     * the scheduler closes a run left running before the job runs again, so a run a crash cut short
     * is the last one in its file.
     */
    @Override
    public List<JobRun> unfinishedRuns() {
        ensureOpen();
        List<JobRun> out = new ArrayList<>();
        for (String jobId : jobsWithRuns()) {
            ReentrantLock lock = stripe(jobId);
            lock.lock();
            try {
                lastRecord(jobId).filter(r -> r.status() == RunStatus.RUNNING).ifPresent(out::add);
            } catch (IOException e) {
                throw new JobStoreException("cron: could not read " + runsFile(jobId) + " (" + reason(e) + ")", e);
            } finally {
                lock.unlock();
            }
        }
        return out;
    }

    /** The stored jobs that have a runs file: one directory listing rather than a failed open per job. */
    private List<String> jobsWithRuns() {
        List<String> out = new ArrayList<>();
        try (var files = Files.newDirectoryStream(runsDirectory, "*" + RUNS_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String jobId = name.substring(0, name.length() - RUNS_SUFFIX.length());
                if (jobs.containsKey(jobId)) {
                    out.add(jobId);
                }
            }
        } catch (IOException e) {
            throw new JobStoreException("cron: could not list " + runsDirectory + " (" + reason(e) + ")", e);
        }
        return out;
    }

    /** The newest runs kept of a stored job, one entry per run, oldest first. */
    private List<JobRun> keptRuns(String jobId) {
        if (!jobs.containsKey(jobId)) {
            return List.of(); // also keeps any other text out of the path
        }
        List<JobRun> records;
        ReentrantLock lock = stripe(jobId);
        lock.lock();
        try {
            records = readRecords(jobId);
        } catch (IOException e) {
            throw new JobStoreException("cron: could not read " + runsFile(jobId) + " (" + reason(e) + ")", e);
        } finally {
            lock.unlock();
        }
        List<JobRun> latest = latestPerRun(records);
        return latest.subList(Math.max(0, latest.size() - maxRunsPerJob), latest.size());
    }

    /** The latest record of each run, in the order of those records. */
    private static List<JobRun> latestPerRun(List<JobRun> records) {
        Map<String, JobRun> byRun = new LinkedHashMap<>();
        for (JobRun r : records) {
            byRun.remove(r.runId());
            byRun.put(r.runId(), r);
        }
        return new ArrayList<>(byRun.values());
    }

    /** Every readable record of a job's runs file, in file order; called under the job's stripe. */
    private List<JobRun> readRecords(String jobId) throws IOException {
        Path file = runsFile(jobId);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<JobRun> out = new ArrayList<>();
        int start = 0;
        int lineNumber = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') {
                continue;
            }
            lineNumber++;
            if (i > start) {
                parseRecord(bytes, start, i - start, jobId, file, "line " + lineNumber).ifPresent(out::add);
            }
            start = i + 1;
        }
        return out;
    }

    /** One record line, or empty (logged) when it cannot be read. */
    private static Optional<JobRun> parseRecord(byte[] bytes, int offset, int length, String jobId, Path file,
            String where) {
        String problem;
        try {
            JobRun run = CronJson.readRun(object(new String(bytes, offset, length, StandardCharsets.UTF_8)));
            if (run.jobId().equals(jobId)) {
                return Optional.of(run);
            }
            problem = "a run of job " + run.jobId();
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            problem = "not a JSON object (a write cut off?)";
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "cron: " + file + ": skipped " + where + " (" + problem + ")");
        }
        return Optional.empty();
    }

    /** Counts a runs file's line ends and whether it ends in part of a line. */
    private static RunsFile measure(Path file) throws IOException {
        RunsFile measured = new RunsFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            byte last = '\n';
            while (ch.read(buf.clear()) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    last = buf.get();
                    if (last == '\n') {
                        measured.lines++;
                    }
                }
            }
            measured.torn = last != '\n';
        } catch (NoSuchFileException e) {
            // a job without runs yet
        }
        return measured;
    }

    /** Rewrites a runs file with the latest record of each of its newest runs; called under the job's stripe. */
    private void trim(String jobId, Path file, RunsFile known) {
        try {
            List<JobRun> latest = latestPerRun(readRecords(jobId));
            List<JobRun> kept = latest.subList(Math.max(0, latest.size() - maxRunsPerJob), latest.size());
            StringBuilder sb = new StringBuilder(kept.size() * 320);
            for (JobRun run : kept) {
                sb.append(CronJson.run(run)).append('\n');
            }
            AtomicFile.replace(file, sb.toString().getBytes(StandardCharsets.UTF_8), syncer);
            known.lines = kept.size();
            known.torn = false;
        } catch (IOException e) {
            // The append went through; the file is trimmed on a later one.
            LOG.log(System.Logger.Level.WARNING, "cron: could not trim " + file + " to its newest " + maxRunsPerJob
                    + " runs (" + reason(e) + "); trying again on the next run");
        }
    }

    // ---- jobs.json ----------------------------------------------------------------------------

    /** Writes jobs.json if states changed since the last write. */
    private void writeIfDirty() {
        writeLock.lock();
        try {
            if (isDirty()) {
                writeJobs();
            }
        } catch (IOException e) {
            throw new JobStoreException("cron: could not write " + jobsFile + " (" + reason(e) + ")", e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes every job to jobs.json; called with the write lock held. Leaves it dirty on failure. */
    private void writeJobs() throws IOException {
        stateLock.lock();
        try {
            dirty = false;
        } finally {
            stateLock.unlock();
        }
        // Changes made after this snapshot set dirty again, so the next write takes them.
        List<Job> snapshot = new ArrayList<>(jobs.values());
        snapshot.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        StringBuilder sb = new StringBuilder(64 + snapshot.size() * 600);
        sb.append("{\"version\":").append(VERSION).append(",\"jobs\":[");
        for (int i = 0; i < snapshot.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append(CronJson.job(snapshot.get(i), true));
        }
        sb.append(snapshot.isEmpty() ? "]}\n" : "\n]}\n");
        try {
            AtomicFile.replace(jobsFile, sb.toString().getBytes(StandardCharsets.UTF_8), syncer);
        } catch (IOException e) {
            stateLock.lock();
            try {
                dirty = true;
            } finally {
                stateLock.unlock();
            }
            throw e;
        }
    }

    private boolean isDirty() {
        stateLock.lock();
        try {
            return dirty;
        } finally {
            stateLock.unlock();
        }
    }

    /** Writes the states saved since the last write, at most once per delay, until closed. */
    private void flushLoop() {
        boolean failing = false;
        while (true) {
            stateLock.lock();
            try {
                while (!dirty && !closed) {
                    stateChanged.await();
                }
                // Let the states saved within the delay share one write.
                long nanos = stateFlushDelay.toNanos();
                while (nanos > 0 && !closed) {
                    nanos = stateChanged.awaitNanos(nanos);
                }
                if (closed) {
                    return; // close() writes what is left
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                stateLock.unlock();
            }
            try {
                writeIfDirty();
                failing = false;
            } catch (JobStoreException e) {
                // Tried again after the delay; logged once per run of failures.
                LOG.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                        e.getMessage() + "; trying again every " + stateFlushDelay.toMillis() + " ms");
                failing = true;
            }
        }
    }

    /** Reads jobs.json into {@link #jobs}, setting aside a file or entries that cannot be read. */
    private void readJobs() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jobsFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new JobStoreException("cron: could not read " + jobsFile + " (" + reason(e) + ")", e);
        }
        JsonArray entries;
        try {
            entries = jobsArray(bytes);
        } catch (IllegalArgumentException e) {
            Path aside = setAside("corrupt", true);
            LOG.log(System.Logger.Level.WARNING, "cron: " + jobsFile + " cannot be read (" + e.getMessage()
                    + "); moved it to " + aside + " and starting with no jobs");
            return;
        }
        int unreadable = 0;
        for (int i = 0; i < entries.size(); i++) {
            JsonValue entry = entries.get(i);
            String which = "job " + i;
            try {
                if (entry.getValueType() != JsonValue.ValueType.OBJECT) {
                    throw new IllegalArgumentException("not an object");
                }
                if (entry.asJsonObject().get("id") instanceof JsonString id) {
                    which += " (id \"" + id.getString() + "\")";
                }
                Job job = CronJson.readJob(entry.asJsonObject());
                if (jobs.putIfAbsent(job.id(), job) != null) {
                    throw new IllegalArgumentException("id: another job before it has the same id");
                }
            } catch (IllegalArgumentException e) {
                unreadable++;
                LOG.log(System.Logger.Level.WARNING, "cron: " + jobsFile + ": skipped " + which + ": " + e.getMessage());
            }
        }
        if (unreadable > 0) {
            Path aside = setAside("unreadable", false);
            LOG.log(System.Logger.Level.WARNING, "cron: " + jobsFile + ": loaded " + jobs.size() + " jobs and skipped "
                    + unreadable + "; copied the file to " + aside + ", so the skipped ones are kept when it is rewritten");
        }
    }

    /** The jobs of a jobs.json. */
    private static JsonArray jobsArray(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
        JsonObject root;
        try {
            root = object(text);
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
        if (!(root.get("version") instanceof JsonNumber v && v.isIntegral() && v.longValue() == VERSION)) {
            throw new IllegalArgumentException("version: " + root.get("version") + " (expected: " + VERSION + ")");
        }
        if (!(root.get("jobs") instanceof JsonArray entries)) {
            throw new IllegalArgumentException("jobs: " + (root.containsKey("jobs") ? "not an array" : "missing"));
        }
        return entries;
    }

    /** Moves (or copies) jobs.json to {@code jobs.json.<what>-<epoch millis>}. */
    private Path setAside(String what, boolean move) {
        long millis = System.currentTimeMillis();
        Path aside = jobsFile.resolveSibling(JOBS + "." + what + "-" + millis);
        while (Files.exists(aside)) {
            aside = jobsFile.resolveSibling(JOBS + "." + what + "-" + ++millis);
        }
        try {
            if (move) {
                Files.move(jobsFile, aside, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.copy(jobsFile, aside);
                try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.WRITE)) {
                    syncer.sync(ch, aside);
                }
            }
            syncer.syncDirectory(directory);
        } catch (IOException e) {
            throw new JobStoreException("cron: could not " + (move ? "move " : "copy ") + jobsFile + " to " + aside
                    + " (" + reason(e) + ")", e);
        }
        return aside;
    }

    /** The job, its last-run fields brought up to date from the last record of its runs file. */
    private Job upToDate(Job job) {
        Optional<JobRun> last;
        try {
            last = lastRecord(job.id());
        } catch (IOException e) {
            throw new JobStoreException("cron: could not read " + runsFile(job.id()) + " (" + reason(e) + ")", e);
        }
        JobState s = job.state();
        if (last.isEmpty() || (s.lastRun().isPresent() && last.get().startedAt().isBefore(s.lastRun().get()))) {
            return job;
        }
        JobRun run = last.get();
        JobState state = run.status() == RunStatus.RUNNING
                ? new JobState(s.nextRun(), Optional.of(run.startedAt()), s.lastStatus(), s.lastError(),
                        s.lastDurationMs(), s.consecutiveErrors(), s.totalRuns())
                : new JobState(s.nextRun(), Optional.of(run.startedAt()), Optional.of(run.status()), run.error(),
                        run.duration().map(d -> Math.max(0, d.toMillis())).orElse(0L), s.consecutiveErrors(),
                        s.totalRuns());
        if (!state.equals(s)) {
            LOG.log(System.Logger.Level.DEBUG, "cron: job " + job.id() + ": last run taken from its run history (run "
                    + run.runId() + ", " + run.status().wireName() + ")");
        }
        return job.withState(state);
    }

    /** The last readable record of a job's runs file, read from its end. */
    private Optional<JobRun> lastRecord(String jobId) throws IOException {
        Path file = runsFile(jobId);
        byte[] tail;
        int length;
        long start;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            start = Math.max(0, size - TAIL_BYTES);
            tail = new byte[(int) (size - start)];
            ByteBuffer buf = ByteBuffer.wrap(tail);
            while (buf.hasRemaining() && ch.read(buf, start + buf.position()) >= 0) {
                // read on to the end
            }
            length = buf.position();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int end = length;
        for (int i = length - 1; i >= -1; i--) {
            if (i >= 0 && tail[i] != '\n') {
                continue;
            }
            // The first piece of a tail that does not start the file may be the end of a line.
            if ((i >= 0 || start == 0) && end > i + 1) {
                Optional<JobRun> run = parseRecord(tail, i + 1, end - i - 1, jobId, file, "a line near its end");
                if (run.isPresent()) {
                    return run;
                }
            }
            end = i;
        }
        if (start == 0) {
            return Optional.empty();
        }
        List<JobRun> records = readRecords(jobId); // nothing readable in the tail: look at the whole file
        return records.isEmpty() ? Optional.empty() : Optional.of(records.getLast());
    }

    // ---- files --------------------------------------------------------------------------------

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

    private Path runsFile(String jobId) {
        return runsDirectory.resolve(jobId + RUNS_SUFFIX);
    }


    private ReentrantLock stripe(String jobId) {
        return stripes[Math.floorMod(jobId.hashCode(), STRIPES)];
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cron: the job store in " + directory + " is closed");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "FileJobStore[" + directory + "]";
    }

    /** Builds a {@link FileJobStore}; {@link #build()} opens it. */
    public static final class Builder {
        private Path directory;
        private int maxRunsPerJob = DEFAULT_MAX_RUNS_PER_JOB;
        private Duration stateFlushDelay = Duration.ofSeconds(1);
        private Syncer syncer = Syncer.system();

        private Builder() {}

        /**
         * Sets the cron directory (required); created when missing.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how many runs of each job are kept (the newest); a runs file grows to twice as many
         * records before it is trimmed.
         *
         * @param maxRunsPerJob 1 to 100,000; {@value FileJobStore#DEFAULT_MAX_RUNS_PER_JOB} by default
         * @return this builder
         */
        public Builder maxRunsPerJob(int maxRunsPerJob) {
            this.maxRunsPerJob = maxRunsPerJob;
            return this;
        }

        /**
         * Sets the longest a saved state waits to be written: states saved within it share one
         * write of {@code jobs.json}. A crash loses at most this much of them (the run history
         * keeps each job's last run all the same).
         *
         * @param stateFlushDelay 1 ms to 1 hour; 1 s by default
         * @return this builder
         */
        public Builder stateFlushDelay(Duration stateFlushDelay) {
            this.stateFlushDelay = Objects.requireNonNull(stateFlushDelay, "stateFlushDelay");
            return this;
        }

        /** Replaces each fsync, for tests that observe or hold them back. */
        Builder syncer(Syncer syncer) {
            this.syncer = Objects.requireNonNull(syncer, "syncer");
            return this;
        }

        /**
         * Validates the settings and opens the store: reads {@code jobs.json}, brings each job's
         * last run up to date from its run history, and starts the writer.
         *
         * @return the open store
         * @throws IllegalStateException when the directory was not set
         * @throws IllegalArgumentException when a setting is out of range
         * @throws JobStoreException when the directory or a file in it cannot be read
         */
        public FileJobStore build() {
            if (directory == null) {
                throw new IllegalStateException("directory: required (expected: the cron directory)");
            }
            if (maxRunsPerJob < 1 || maxRunsPerJob > 100_000) {
                throw new IllegalArgumentException("maxRunsPerJob: " + maxRunsPerJob + " (expected: 1 to 100000)");
            }
            if (stateFlushDelay.compareTo(Duration.ofMillis(1)) < 0 || stateFlushDelay.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("stateFlushDelay: " + stateFlushDelay + " (expected: PT0.001S to PT1H)");
            }
            FileJobStore store = new FileJobStore(this);
            store.flusher.start();
            return store;
        }
    }
}
