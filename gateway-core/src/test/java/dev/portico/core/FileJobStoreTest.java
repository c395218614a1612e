package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.JobStore;
import dev.portico.api.cron.JobStoreException;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Payload;
import dev.portico.core.internal.CronJson;
import dev.portico.core.internal.Syncer;
import dev.portico.cron.JobStoreContract;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job store contract against the file store (a restart closes it and opens the directory
 * again), then what only the file store does: its files, crash recovery, trimming, the writer.
 */
class FileJobStoreTest extends JobStoreContract {
    private static final long DEADLINE_SECONDS = 10;
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    private final List<FileJobStore> opened = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger(FileJobStore.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    FileJobStoreTest() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void closeAll() {
        julLogger.removeHandler(capture);
        opened.forEach(FileJobStore::close);
    }

    // ---- the contract -------------------------------------------------------------------------

    @Override
    protected JobStore newStore() {
        return FileJobStore.builder().directory(dir.resolve("cron")).maxRunsPerJob(maxRunsPerJob()).build();
    }

    @Override
    protected JobStore reopen(JobStore store) {
        store.close();
        return newStore();
    }

    @Test
    void aJobsFileLargerThanTheJsonParsersDefaultLimitIsReadWhole() throws IOException {
        // 3,200 jobs of 5,000 characters: over the 15,000,000 characters a parser accepts by default.
        String message = "m".repeat(5000);
        StringBuilder file = new StringBuilder("{\"version\":1,\"jobs\":[\n");
        int count = 3200;
        for (int i = 0; i < count; i++) {
            Job j = job("big" + i);
            Job big = new Job(j.id(), j.name(), j.schedule(), Payload.AgentTurn.of(message), j.sessionTarget(),
                    j.delivery(), j.misfire(), true, false, j.createdAt(), j.updatedAt(), Optional.empty(), j.state());
            file.append(CronJson.job(big, true)).append(i + 1 < count ? ",\n" : "\n");
        }
        file.append("]}\n");
        assertTrue(file.length() > 15_000_000);
        Files.createDirectories(cron());
        Files.writeString(jobsFile(), file);
        FileJobStore store = open();
        assertEquals(count, store.load().size());
        assertEquals(List.of("jobs.json", "runs"), names(cron()), "nothing set aside");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Path cron() {
        return dir.resolve("files");
    }

    private FileJobStore open() {
        return open(FileJobStore.builder().directory(cron()).maxRunsPerJob(maxRunsPerJob()));
    }

    private FileJobStore open(FileJobStore.Builder builder) {
        FileJobStore s = builder.build();
        opened.add(s);
        return s;
    }

    private Path jobsFile() {
        return cron().resolve("jobs.json");
    }

    private Path runsFile(String jobId) {
        return cron().resolve("runs").resolve(jobId + ".jsonl");
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = JsonProvider.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private List<String> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).toList();
        }
    }

    // ---- files --------------------------------------------------------------------------------

    @Test
    void jobsJsonHoldsEveryJobInTheApiShapeOnePerLine() throws IOException {
        FileJobStore s = open();
        Job a = job("a");
        Job b = new Job("b", "second", a.schedule(), a.payload(), a.sessionTarget(), a.delivery(), a.misfire(), true,
                false, at(1), at(1), Optional.of("idem-b"), fullState());
        s.save(b);
        s.save(a);

        String text = Files.readString(jobsFile());
        assertEquals("{\"version\":1,\"jobs\":[\n" + CronJson.job(a, true) + ",\n" + CronJson.job(b, true) + "\n]}\n", text);
        JsonObject root = json(text);
        assertEquals(1, root.getInt("version"));
        JsonArray jobs = root.getJsonArray("jobs");
        assertEquals(List.of(CronJson.job(a, true), CronJson.job(b, true)), jobs);
        assertEquals("idem-b", jobs.getJsonObject(1).getString("idempotency_key"));

        s.delete("a");
        s.delete("b");
        assertEquals("{\"version\":1,\"jobs\":[]}\n", Files.readString(jobsFile()));
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws IOException {
        FileJobStore s = open();
        s.save(job("a"));
        s.save(job("b"));
        s.saveState(job("a").withState(fullState()));
        s.flush();
        for (int i = 0; i < 3 * maxRunsPerJob(); i++) {
            s.recordRun(finished("a", "r" + i, i, RunStatus.OK));
        }
        s.delete("b");

        assertEquals(List.of("jobs.json", "runs"), names(cron()));
        assertEquals(List.of("a.jsonl"), names(cron().resolve("runs")));
    }

    @Test
    void leftoverTemporaryFilesAreDeletedOnOpening() throws IOException {
        Files.createDirectories(cron().resolve("runs"));
        Files.writeString(cron().resolve("jobs.json.tmp"), "{\"version\":1,\"jo");
        Files.writeString(cron().resolve("runs").resolve("a.jsonl.tmp"), "{\"run_id\"");
        FileJobStore s = open();

        assertEquals(List.of(), s.load());
        assertEquals(List.of("runs"), names(cron()));
        assertEquals(List.of(), names(cron().resolve("runs")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not JSON", "", "[]", "{\"version\":2,\"jobs\":[]}", "{\"jobs\":[]}",
        "{\"version\":1,\"jobs\":{}}", "{\"version\":1}", "{\"version\":1,\"jobs\":[]} trailing"})
    void anUnreadableJobsFileIsMovedAsideAndTheStoreStartsEmpty(String content) throws IOException {
        Files.createDirectories(cron());
        Files.writeString(jobsFile(), content);
        FileJobStore s = open();

        assertEquals(List.of(), s.load());
        assertFalse(Files.exists(jobsFile()));
        List<String> aside = names(cron()).stream().filter(n -> n.startsWith("jobs.json.corrupt-")).toList();
        assertEquals(1, aside.size(), names(cron()).toString());
        assertTrue(aside.getFirst().matches("jobs\\.json\\.corrupt-\\d+"), aside.getFirst());
        assertEquals(content, Files.readString(cron().resolve(aside.getFirst())));
        assertTrue(warnings().stream().anyMatch(w -> w.contains(jobsFile().toString())
                && w.contains(cron().resolve(aside.getFirst()).toString())), warnings().toString());

        s.save(job("a"));
        assertEquals(List.of(CronJson.job(job("a"), true)), json(Files.readString(jobsFile())).getJsonArray("jobs"));
        s.close();
        assertEquals(List.of(job("a")), open().load());
    }

    @Test
    void aJobsFileThatIsNotUtf8IsMovedAside() throws IOException {
        Files.createDirectories(cron());
        Files.write(jobsFile(), new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        FileJobStore s = open();

        assertEquals(List.of(), s.load());
        assertEquals(1, names(cron()).stream().filter(n -> n.startsWith("jobs.json.corrupt-")).count());
    }

    @Test
    void unreadableJobsAreSkippedAndTheFileIsCopiedAside() throws IOException {
        JsonObject good = CronJson.job(job("good"), true);
        JsonObject badKind = JsonProvider.provider().createObjectBuilder(CronJson.job(job("bad"), true))
                .add("schedule", JsonProvider.provider().createObjectBuilder().add("kind", "weekly")).build();
        JsonObject duplicate = CronJson.job(job("good").withEnabled(false, at(5)), true);
        JsonObject other = CronJson.job(job("other"), true);
        String content = "{\"version\":1,\"jobs\":[" + good + "," + badKind + ",42," + duplicate + "," + other + "]}";
        Files.createDirectories(cron());
        Files.writeString(jobsFile(), content);
        FileJobStore s = open();

        assertEquals(List.of(job("good"), job("other")),
                s.load().stream().sorted(java.util.Comparator.comparing(Job::id)).toList());
        List<String> aside = names(cron()).stream().filter(n -> n.startsWith("jobs.json.unreadable-")).toList();
        assertEquals(1, aside.size(), names(cron()).toString());
        assertEquals(content, Files.readString(cron().resolve(aside.getFirst())));
        assertEquals(content, Files.readString(jobsFile()), "the file itself is left until the next write");
        List<String> warnings = warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("job 1 (id \"bad\")") && w.contains("schedule.kind")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("job 2") && w.contains("not an object")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("job 3 (id \"good\")")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains(cron().resolve(aside.getFirst()).toString())), warnings.toString());

        s.save(job("new"));
        s.close();
        assertEquals(3, open().load().size());
        assertTrue(Files.exists(cron().resolve(aside.getFirst())));
    }

    @Test
    void aJobsFileThatCannotBeReadFailsTheOpening() throws IOException {
        Files.createDirectories(jobsFile()); // a directory where the file should be
        JobStoreException e = assertThrows(JobStoreException.class, this::open);
        assertTrue(e.getMessage().contains(jobsFile().toString()), e.getMessage());
    }

    @Test
    void aFailedSaveLeavesTheJobsAsTheyWere() {
        boolean[] failing = {false};
        Syncer syncer = new Syncer() {
            @Override
            public void sync(FileChannel channel, Path file) throws IOException {
                if (failing[0]) {
                    throw new IOException("disk on fire");
                }
            }

            @Override
            public void syncDirectory(Path directory) {}
        };
        FileJobStore s = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER).syncer(syncer));
        s.save(job("a"));
        failing[0] = true;

        JobStoreException e = assertThrows(JobStoreException.class, () -> s.save(job("b")));
        assertTrue(e.getMessage().contains("disk on fire") && e.getMessage().contains("jobs.json"), e.getMessage());
        assertThrows(JobStoreException.class, () -> s.save(job("a").withEnabled(false, at(1))));
        assertThrows(JobStoreException.class, () -> s.delete("a"));
        assertEquals(List.of(job("a")), s.load());

        failing[0] = false;
        s.close();
        assertEquals(List.of(job("a")), open().load());
    }

    // ---- runs files ---------------------------------------------------------------------------

    @Test
    void aTornLastLineIsSkippedAndTheNextRecordStartsANewLine() throws IOException {
        FileJobStore s = open();
        s.save(job("a"));
        s.recordRun(finished("a", "r1", 0, RunStatus.OK));
        s.close();
        Files.writeString(runsFile("a"), "{\"run_id\":\"r2\",\"job_id\":\"a\",\"trigg", StandardOpenOption.APPEND);

        FileJobStore again = open();
        assertEquals(List.of(finished("a", "r1", 0, RunStatus.OK)), again.runs("a", 10));
        assertEquals(List.of(), again.unfinishedRuns());
        assertEquals(Optional.of(at(0)), again.load().getFirst().state().lastRun());

        again.recordRun(finished("a", "r3", 10, RunStatus.ERROR));
        assertEquals(List.of("r3", "r1"), again.runs("a", 10).stream().map(JobRun::runId).toList());
        assertEquals(3, lines(runsFile("a")).size());
        again.close();
        assertEquals(List.of("r3", "r1"), open().runs("a", 10).stream().map(JobRun::runId).toList());
    }

    @Test
    void recordsOfAJobNotStoredAreDropped() {
        FileJobStore s = open();
        s.recordRun(finished("a", "r1", 0, RunStatus.OK));
        s.save(job("b"));
        s.delete("b");
        s.recordRun(finished("b", "r1", 0, RunStatus.OK));

        assertFalse(Files.exists(runsFile("a")));
        assertFalse(Files.exists(runsFile("b")));
    }

    @Test
    void aRunsFileIsTrimmedWhenItHoldsTwiceTheRunsKept() throws IOException {
        int max = maxRunsPerJob();
        FileJobStore s = open();
        s.save(job("a"));
        for (int i = 1; i <= 2 * max; i++) {
            s.recordRun(finished("a", "r" + i, i, RunStatus.OK));
        }
        assertEquals(2 * max, lines(runsFile("a")).size());
        assertEquals(List.of("r10", "r9", "r8", "r7", "r6"), s.runs("a", 100).stream().map(JobRun::runId).toList());

        s.recordRun(finished("a", "r11", 11, RunStatus.OK));
        List<String> trimmed = lines(runsFile("a"));
        assertEquals(max, trimmed.size());
        assertEquals(List.of("r7", "r8", "r9", "r10", "r11"),
                trimmed.stream().map(l -> json(l).getString("run_id")).toList());

        // Counted from the file after a restart.
        s.close();
        FileJobStore again = open();
        for (int i = 12; i <= 16; i++) {
            again.recordRun(finished("a", "r" + i, i, RunStatus.OK));
        }
        assertEquals(2 * max, lines(runsFile("a")).size());
        again.recordRun(finished("a", "r17", 17, RunStatus.OK));
        assertEquals(max, lines(runsFile("a")).size());
        assertEquals(List.of("r17", "r16", "r15", "r14", "r13"), again.runs("a", 100).stream().map(JobRun::runId).toList());
    }

    @Test
    void trimmingKeepsTheLatestRecordOfEachRun() throws IOException {
        FileJobStore s = open();
        s.save(job("a"));
        for (int i = 1; i <= 5; i++) {
            s.recordRun(started("a", "r" + i, i));
            s.recordRun(finished("a", "r" + i, i, RunStatus.OK));
        }
        s.recordRun(started("a", "r6", 6)); // the 11th line

        List<String> trimmed = lines(runsFile("a"));
        assertEquals(List.of("r2", "r3", "r4", "r5", "r6"), trimmed.stream().map(l -> json(l).getString("run_id")).toList());
        assertEquals(List.of("ok", "ok", "ok", "ok", "running"), trimmed.stream().map(l -> json(l).getString("status")).toList());
        assertEquals(List.of(started("a", "r6", 6)), s.unfinishedRuns());
    }

    // ---- crashes ------------------------------------------------------------------------------

    @Test
    void aCrashKeepsSavedJobsAndRecordedRuns() {
        FileJobStore first = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER));
        first.save(job("a"));
        first.save(job("b"));
        first.recordRun(finished("a", "r1", 0, RunStatus.OK));
        first.recordRun(started("b", "r2", 5));
        first.saveState(job("b").withState(fullState())); // held back

        // Never closed: a second store over the same files sees what the first one would after a crash.
        FileJobStore second = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER));
        assertEquals(List.of("a", "b"), second.load().stream().map(Job::id).sorted().toList());
        assertEquals(List.of(finished("a", "r1", 0, RunStatus.OK)), second.runs("a", 10));
        assertEquals(List.of(started("b", "r2", 5)), second.unfinishedRuns());
    }

    @Test
    void aStateNotWrittenBeforeACrashIsTakenFromTheRunHistory() {
        FileJobStore first = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER));
        Job newer = job("newer").withState(new JobState(Optional.empty(), Optional.of(at(100)),
                Optional.of(RunStatus.OK), Optional.empty(), 10, 0, 3));
        first.save(job("finished"));
        first.save(job("running"));
        first.save(newer);
        first.recordRun(started("finished", "f1", 50));
        first.recordRun(finished("finished", "f1", 50, RunStatus.ERROR));
        first.recordRun(finished("running", "g1", 10, RunStatus.OK));
        first.recordRun(started("running", "g2", 60));
        first.recordRun(finished("newer", "n1", 40, RunStatus.ERROR)); // older than the state's last run
        first.saveState(job("finished").withState(new JobState(Optional.of(at(1800)), Optional.of(at(50)),
                Optional.of(RunStatus.ERROR), Optional.of("it went error"), 2000, 1, 1))); // held back

        FileJobStore second = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER));
        java.util.Map<String, JobState> states = new java.util.HashMap<>();
        second.load().forEach(j -> states.put(j.id(), j.state()));

        assertEquals(new JobState(Optional.empty(), Optional.of(at(50)), Optional.of(RunStatus.ERROR),
                Optional.of("it went error"), 2000, 0, 0), states.get("finished"));
        assertEquals(new JobState(Optional.empty(), Optional.of(at(60)), Optional.empty(), Optional.empty(), 0, 0, 0),
                states.get("running"));
        assertEquals(newer.state(), states.get("newer"));
    }

    // ---- the writer ---------------------------------------------------------------------------

    @Test
    void savedStatesAreWrittenWithoutAFlush() throws Exception {
        // Each replacement of jobs.json ends with the directory's sync: wait for those, not a timer.
        BlockingQueue<Path> replaced = new LinkedBlockingQueue<>();
        Syncer system = Syncer.system();
        Syncer watching = new Syncer() {
            @Override
            public void sync(FileChannel channel, Path file) throws IOException {
                system.sync(channel, file);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                system.syncDirectory(directory);
                replaced.add(directory);
            }
        };
        FileJobStore s = open(FileJobStore.builder().directory(cron()).stateFlushDelay(Duration.ofMillis(20))
                .syncer(watching));
        s.save(job("a"));
        Job ran = job("a").withState(fullState());
        s.saveState(ran);

        JsonObject expected = CronJson.job(ran, true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!json(Files.readString(jobsFile())).getJsonArray("jobs").equals(List.of(expected))) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || replaced.poll(left, TimeUnit.NANOSECONDS) == null) {
                throw new AssertionError("the state never reached jobs.json: " + Files.readString(jobsFile()));
            }
        }
    }

    @Test
    void aStateHeldBackIsWrittenByFlushAndByClose() throws IOException {
        FileJobStore s = open(FileJobStore.builder().directory(cron()).stateFlushDelay(NEVER));
        s.save(job("a"));
        s.save(job("b"));
        s.saveState(job("a").withState(fullState()));
        assertEquals(List.of(CronJson.job(job("a"), true), CronJson.job(job("b"), true)),
                json(Files.readString(jobsFile())).getJsonArray("jobs"));

        s.flush();
        assertEquals(CronJson.job(job("a").withState(fullState()), true),
                json(Files.readString(jobsFile())).getJsonArray("jobs").getJsonObject(0));

        s.saveState(job("b").withState(fullState()));
        s.close();
        assertEquals(CronJson.job(job("b").withState(fullState()), true),
                json(Files.readString(jobsFile())).getJsonArray("jobs").getJsonObject(1));
    }

    @Test
    void concurrentRecordsLoseNoLine() throws Exception {
        FileJobStore s = open(FileJobStore.builder().directory(cron()).maxRunsPerJob(10_000));
        int threads = 8;
        int perThread = 200;
        for (int j = 0; j < 4; j++) {
            s.save(job("job" + j));
        }
        s.save(job("shared"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    s.recordRun(finished("job" + thread % 4, "t" + thread + "-" + i, i, RunStatus.OK));
                    s.recordRun(finished("shared", "t" + thread + "-" + i, i, RunStatus.OK));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
        pool.shutdown();

        for (int j = 0; j < 4; j++) {
            List<String> lines = lines(runsFile("job" + j));
            assertEquals(2 * perThread, lines.size());
            lines.forEach(l -> CronJson.readRun(json(l)));
            assertEquals(2 * perThread, s.runs("job" + j, 100_000).size());
        }
        assertEquals(threads * perThread, lines(runsFile("shared")).size());
        assertEquals(threads * perThread, s.runs("shared", 100_000).size());
    }

    // ---- the store ----------------------------------------------------------------------------

    @Test
    void aClosedStoreRefusesWork() {
        FileJobStore s = open();
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::load);
        assertThrows(IllegalStateException.class, () -> s.save(job("a")));
        assertThrows(IllegalStateException.class, () -> s.recordRun(finished("a", "r", 0, RunStatus.OK)));
        assertThrows(IllegalStateException.class, s::flush);
    }

    @Test
    void theBuilderChecksItsSettings() {
        assertThrows(IllegalStateException.class, () -> FileJobStore.builder().build());
        assertThrows(IllegalArgumentException.class, () -> FileJobStore.builder().directory(cron()).maxRunsPerJob(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> FileJobStore.builder().directory(cron()).stateFlushDelay(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> open().runs("a", 0));
    }
}
