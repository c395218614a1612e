package dev.portico.bench;

import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.JobStore;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Schedule;
import dev.portico.api.cron.SessionTarget;
import dev.portico.core.FileJobStore;
import dev.portico.core.internal.CronJson;
import dev.portico.cron.CronListener;
import dev.portico.cron.CronScheduler;
import dev.portico.cron.InMemoryJobStore;
import dev.portico.cron.JobExecutor;
import dev.portico.cron.NextRun;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's benchmark, for bench/cron.sh. Each command is meant for a fresh JVM and prints
 * rows of a markdown table (lines starting with {@code |}); bench/cron.sh prints the headers.
 *
 * <ul>
 *   <li>{@code populate DIR JOBS LEAD_SECONDS [--history RUNS]}: writes {@code DIR/jobs.json} with JOBS jobs the way
 *       {@link FileJobStore} writes it (each job by {@link CronJson}, one per line, oldest first),
 *       without going through the store, whose every save rewrites the whole file. The mix: 60% cron
 *       expressions in eight zones, 30% every 5 minutes to 24 hours, 10% at an instant in the next
 *       30 days; each job's next run is set, and at least LEAD_SECONDS ahead, so nothing falls due
 *       while the scheduler is watched. With {@code --history}, each recurring job also gets a runs
 *       file of RUNS earlier runs (none by default);
 *   <li>{@code check DIR JOBS}: opens the store as the gateway does and says whether all JOBS jobs
 *       were read (Parsson, the JSON parser, refuses a document of more than 15,000,000 characters
 *       unless {@code org.eclipse.parsson.maxParsingLimit} is raised);
 *   <li>{@code idle DIR [--idle-seconds N] [--settle-seconds S]}: the start-up ({@code
 *       FileJobStore.open} and {@code CronScheduler.start()}), the heap they hold, then, after S
 *       seconds (2) for the JIT to finish with the start-up code, the CPU time used over N seconds
 *       (30) with nothing due: the whole process's and the timer thread's, and how often the timer
 *       thread parked (its {@code ThreadInfo.getWaitedCount()}, which counts each wait on its
 *       condition: an upper bound of its wake-ups); last, the time of a {@code save}, which rewrites
 *       {@code jobs.json} whole;
 *   <li>{@code burst memory|file at|every SPREAD_MS JOBS POOL DIR}: JOBS jobs fall due together, all
 *       at one instant (SPREAD_MS 0) or spread evenly over SPREAD_MS, 2 to 4 s after the scheduler
 *       started; the executor does nothing but note each run's fire lag (when {@code execute} began
 *       minus the time the run was due). Two bursts in the one JVM, each on a new store and
 *       scheduler: the first meets the code cold, the second after the first. The store is wrapped
 *       to time its calls, and the timer thread's and the run threads' CPU time is taken, so the
 *       second table shows where the time went.
 * </ul>
 */
public final class CronBench {
    private static final String[] ZONES = {"UTC", "Europe/Berlin", "Europe/London", "America/New_York",
        "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"};
    private static final String[] NAMES = {"Morning brief", "Inbox summary", "Stand-up reminder", "Check the build",
        "Weekly report", "News digest", "Water the plants", "Invoice reminder", "Server health", "Reading list"};
    private static final long[] EVERY_MINUTES = {5, 10, 15, 30, 60, 120, 360, 720, 1440};
    /** Runs already in the history of each recurring job of a burst on the file store. */
    private static final int HISTORY = 10;
    private static final Comparator<Job> FILE_ORDER = Comparator.comparing(Job::createdAt).thenComparing(Job::id);

    private CronBench() {}

    /**
     * Runs one command.
     *
     * @param args the command and its arguments
     * @throws Exception when the benchmark itself fails
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "populate" -> populate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    option(args, "--history", 0));
            case "check" -> check(Path.of(args[1]), Integer.parseInt(args[2]));
            case "idle" -> idle(Path.of(args[1]), option(args, "--idle-seconds", 30), option(args, "--settle-seconds", 2));
            case "burst" -> burst(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Path.of(args[6]));
            default -> throw new IllegalArgumentException("command: " + args[0]
                    + " (expected: populate, check, idle or burst)");
        }
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    // ---- populate ------------------------------------------------------------------------------

    private static void populate(Path dir, int n, int leadSeconds, int history) throws Exception {
        Random rng = new Random(42);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant earliest = now.plusSeconds(leadSeconds);
        Instant firstCreated = now.minus(Duration.ofDays(90));
        long spacingMs = Duration.ofDays(89).toMillis() / Math.max(n, 1);
        Map<Schedule, NextRun> prepared = new HashMap<>();
        Set<String> ids = new HashSet<>();
        List<Job> jobs = new ArrayList<>(n);
        int crons = 0;
        int everies = 0;
        int ats = 0;
        for (int i = 0; i < n; i++) {
            Instant created = firstCreated.plusMillis(spacingMs * i);
            Schedule schedule;
            int kind = i % 10;
            if (kind < 6) {
                schedule = new Schedule.Cron(cronExpression(rng), ZoneId.of(ZONES[rng.nextInt(ZONES.length)]));
                crons++;
            } else if (kind < 9) {
                schedule = new Schedule.Every(Duration.ofMinutes(EVERY_MINUTES[rng.nextInt(EVERY_MINUTES.length)]), created);
                everies++;
            } else {
                long ahead = leadSeconds + (long) rng.nextInt(30 * 24 * 3600);
                schedule = new Schedule.At(now.plusSeconds(ahead).truncatedTo(ChronoUnit.SECONDS));
                ats++;
            }
            NextRun nextRun = schedule instanceof Schedule.Cron ? prepared.computeIfAbsent(schedule, NextRun::of)
                    : NextRun.of(schedule);
            Instant next = nextRun.after(earliest).orElseThrow();
            String name = NAMES[rng.nextInt(NAMES.length)];
            Payload payload = rng.nextInt(5) == 0
                    ? new Payload.SystemEvent(name + ": time to look at item " + i)
                    : new Payload.AgentTurn(name + " for item " + i + ": summarise what changed since the last run.",
                            rng.nextInt(3) == 0 ? Optional.of("openai/gpt-4o-mini") : Optional.empty(),
                            rng.nextInt(3) == 0 ? Optional.of(Duration.ofSeconds(120)) : Optional.empty());
            Delivery delivery = rng.nextInt(5) < 2 ? Delivery.announce("telegram", Long.toString(100_000_000L + rng.nextInt(900_000_000)))
                    : Delivery.NONE;
            JobState state = JobState.NEW.withNextRun(Optional.of(next));
            if (!(schedule instanceof Schedule.At) && rng.nextBoolean()) {
                // Half the recurring jobs have run before.
                long runs = 1 + rng.nextInt(500);
                state = new JobState(Optional.of(next), Optional.of(now.minusSeconds(60 + rng.nextInt(86_400))),
                        Optional.of(RunStatus.OK), Optional.empty(), 500 + rng.nextInt(20_000), 0, runs);
            }
            String id = newId(rng, ids);
            jobs.add(new Job(id, name, schedule, payload, rng.nextInt(10) < 7 ? SessionTarget.MAIN : SessionTarget.ISOLATED,
                    delivery, rng.nextInt(10) == 0 ? MisfirePolicy.SKIP : MisfirePolicy.RUN_ONCE, true, false, created,
                    created, rng.nextInt(5) == 0 ? Optional.of("idem-" + id) : Optional.empty(), state));
        }
        long start = System.nanoTime();
        long bytes = writeJobsFile(dir, jobs);
        double writeMs = (System.nanoTime() - start) / 1e6;
        int histories = writeHistories(dir, jobs, now, history);
        System.err.printf(Locale.ROOT, "populated %s: %,d jobs (%,d cron, %,d every, %,d at), %.1f MB, written in %.0f ms;"
                + " every next run at least %d s ahead%s%n", dir, n, crons, everies, ats, bytes / 1e6, writeMs, leadSeconds,
                histories == 0 ? "" : String.format(Locale.ROOT, "; %,d runs files of %d runs each", histories, history));
    }

    /** A cron expression of the kinds people write: daily, on weekdays, every quarter hour, hourly, monthly. */
    private static String cronExpression(Random rng) {
        int m = rng.nextInt(60);
        int h = rng.nextInt(24);
        int pick = rng.nextInt(100);
        if (pick < 40) {
            return m + " " + h + " * * *";
        } else if (pick < 60) {
            return m + " " + h + " * * 1-5";
        } else if (pick < 75) {
            return "*/15 * * * *";
        } else if (pick < 85) {
            return m + " * * * *";
        } else if (pick < 95) {
            return "0 */2 * * *";
        }
        return m + " " + h + " 1 * *";
    }

    /** A 16-character id like the scheduler's, from the seeded generator, unique. */
    private static String newId(Random rng, Set<String> taken) {
        while (true) {
            String a = Long.toString(rng.nextLong() & Long.MAX_VALUE, 36);
            String b = Long.toString(rng.nextLong() & Long.MAX_VALUE, 36);
            String id = (a + b + "0000000000000000").substring(0, 16);
            if (taken.add(id)) {
                return id;
            }
        }
    }

    /**
     * Writes {@code jobs.json} as {@link FileJobStore} does: {@code {"version":1,"jobs":[}, each job
     * on its own line oldest first, {@code ]}}. Returns its size.
     */
    private static long writeJobsFile(Path dir, List<Job> jobs) throws Exception {
        List<Job> ordered = new ArrayList<>(jobs);
        ordered.sort(FILE_ORDER);
        StringBuilder sb = new StringBuilder(64 + ordered.size() * 640);
        sb.append("{\"version\":1,\"jobs\":[");
        for (int i = 0; i < ordered.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append(CronJson.job(ordered.get(i), true));
        }
        sb.append(ordered.isEmpty() ? "]}\n" : "\n]}\n");
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(dir);
        Files.write(dir.resolve("jobs.json"), bytes);
        return bytes.length;
    }

    // ---- check ---------------------------------------------------------------------------------

    /** Opens the store as the gateway would and says whether every job was read. */
    private static void check(Path dir, int expected) throws Exception {
        long bytes = Files.size(dir.resolve("jobs.json"));
        int loaded;
        try (FileJobStore store = FileJobStore.open(dir)) {
            loaded = store.load().size();
        }
        List<String> setAside;
        try (var files = Files.list(dir)) {
            setAside = files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("jobs.json.")).sorted().toList();
        }
        System.out.printf(Locale.ROOT, "FileJobStore.open(%s): loaded %,d of %,d jobs from a jobs.json of %.1f MB%s%n",
                dir.getFileName(), loaded, expected, bytes / 1e6,
                setAside.isEmpty() ? "" : "; the file was set aside as " + String.join(", ", setAside));
    }

    // ---- idle ----------------------------------------------------------------------------------

    private static void idle(Path dir, int idleSeconds, int settleSeconds) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicInteger fired = new AtomicInteger();
        JobExecutor counting = (job, run) -> {
            fired.incrementAndGet();
            return Optional.empty();
        };

        long heapBefore = usedAfterGc(memory);
        long t0 = System.nanoTime();
        FileJobStore store = FileJobStore.open(dir);
        double openMs = (System.nanoTime() - t0) / 1e6;
        long heapStore = usedAfterGc(memory);
        long t1 = System.nanoTime();
        CronScheduler scheduler = CronScheduler.builder().store(store).executor(counting).build().start();
        double startMs = (System.nanoTime() - t1) / 1e6;
        long heapAfter = usedAfterGc(memory);
        int jobs = scheduler.size();

        long timerId = threadId("portico-cron-timer");
        Thread.sleep(settleSeconds * 1000L);
        long wall0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        long timerCpu0 = threads.getThreadCpuTime(timerId);
        long waits0 = threads.getThreadInfo(timerId).getWaitedCount();
        Thread.sleep(idleSeconds * 1000L);
        long waits1 = threads.getThreadInfo(timerId).getWaitedCount();
        long timerCpu1 = threads.getThreadCpuTime(timerId);
        long cpu1 = os.getProcessCpuTime();
        double wallMs = (System.nanoTime() - wall0) / 1e6;

        // What a change to a job costs with this many jobs: create, update, delete, and an at job
        // that has run, rewrite the whole jobs.json (the job is saved unchanged here, twice).
        double[] saveMs = new double[2];
        Optional<Job> some = scheduler.list().stream().findFirst();
        for (int i = 0; i < saveMs.length && some.isPresent(); i++) {
            long t = System.nanoTime();
            store.save(some.get());
            saveMs[i] = (System.nanoTime() - t) / 1e6;
        }
        scheduler.stop(Duration.ofSeconds(1));
        store.close();
        if (fired.get() != 0) {
            throw new IllegalStateException(fired.get() + " runs fired during the idle window (expected none)");
        }
        double per30 = 30_000 / wallMs;
        double processMs = (cpu1 - cpu0) / 1e6 * per30;
        double timerMs = (timerCpu1 - timerCpu0) / 1e6 * per30;
        System.out.printf(Locale.ROOT, "| %,d | %,.0f | %,.0f | %,.0f | %.1f (store %.1f) | %.0f | %.3f %% | %.3f | %.5f %% | %d"
                + " | %,.0f, %,.0f |%n", jobs, openMs, startMs, openMs + startMs, (heapAfter - heapBefore) / 1048576.0,
                (heapStore - heapBefore) / 1048576.0, processMs, processMs / 300, timerMs, timerMs / 300,
                waits1 - waits0, saveMs[0], saveMs[1]);
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.threadId();
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }

    // ---- burst ---------------------------------------------------------------------------------

    private static void burst(String storeKind, String kind, int spreadMs, int n, int poolSize, Path dir)
            throws Exception {
        // The first burst meets the scheduler's code cold, as a gateway's first 09:00 does; the
        // second, in the same JVM, meets it after one burst's worth of runs.
        burstOnce("1st in JVM", storeKind, kind, spreadMs, n, poolSize, dir.resolve("first"), 3500);
        burstOnce("2nd in JVM", storeKind, kind, spreadMs, n, poolSize, dir.resolve("second"), 2500);
    }

    private static void burstOnce(String which, String storeKind, String kind, int spreadMs, int n, int poolSize,
            Path dir, long leadMillis) throws Exception {
        Instant begin = Instant.now();
        Instant soon = begin.plusMillis(leadMillis);
        Instant due = soon.truncatedTo(ChronoUnit.SECONDS);
        if (due.isBefore(soon)) {
            due = due.plusSeconds(1);
        }
        Instant created = begin.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        List<Job> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant at = due.plusMillis(n == 1 ? 0 : (long) spreadMs * i / n);
            Schedule schedule = switch (kind) {
                case "at" -> new Schedule.At(at);
                case "every" -> new Schedule.Every(Duration.ofHours(1), at);
                default -> throw new IllegalArgumentException("kind: " + kind + " (expected: at or every)");
            };
            jobs.add(new Job(String.format(Locale.ROOT, "burst-%05d", i), "Burst " + i, schedule,
                    new Payload.SystemEvent("tick " + i), SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE,
                    true, false, created.plusMillis(i), created.plusMillis(i), Optional.empty(),
                    JobState.NEW.withNextRun(Optional.of(at))));
        }
        Instant lastDue = jobs.getLast().state().nextRun().orElseThrow();
        JobStore inner = switch (storeKind) {
            case "memory" -> {
                InMemoryJobStore m = new InMemoryJobStore();
                jobs.forEach(m::save);
                yield m;
            }
            case "file" -> {
                writeJobsFile(dir, jobs);
                writeHistories(dir, jobs, due, HISTORY);
                yield FileJobStore.open(dir);
            }
            default -> throw new IllegalArgumentException("store: " + storeKind + " (expected: memory or file)");
        };
        TimedStore store = new TimedStore(inner);

        double[] lags = new double[n];
        AtomicInteger started = new AtomicInteger();
        JobExecutor noop = (job, run) -> {
            Instant at = Instant.now();
            int i = started.getAndIncrement();
            if (i < lags.length) {
                lags[i] = Duration.between(run.scheduledFor(), at).toNanos() / 1e6;
            }
            return Optional.empty();
        };
        CountDownLatch finished = new CountDownLatch(n);
        AtomicLong lastEndMicros = new AtomicLong();
        AtomicInteger odd = new AtomicInteger();
        CronListener listener = new CronListener() {
            @Override
            public void runFinished(JobRun run) {
                Instant end = Instant.now();
                lastEndMicros.accumulateAndGet(ChronoUnit.MICROS.between(Instant.EPOCH, end), Math::max);
                if (run.trigger() != JobRun.Trigger.SCHEDULE || run.status() != RunStatus.OK) {
                    odd.incrementAndGet();
                }
                finished.countDown();
            }
        };

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        CronScheduler scheduler = CronScheduler.builder().store(store).executor(noop).listener(listener)
                .poolSize(poolSize).build().start();
        double startMs = (System.nanoTime() - t0) / 1e6;
        long armedMs = due.toEpochMilli() - System.currentTimeMillis();
        long timerId = threadId("portico-cron-timer");
        // The timer's CPU time and parks until just before the burst: what the burst adds is the rest.
        Thread.sleep(Math.max(0, armedMs - 200));
        long timerCpu0 = threads.getThreadCpuTime(timerId);
        long timerWaits0 = threads.getThreadInfo(timerId).getWaitedCount();
        boolean all = finished.await(120, TimeUnit.SECONDS);
        long timerCpu = threads.getThreadCpuTime(timerId) - timerCpu0;
        long timerWaits = threads.getThreadInfo(timerId).getWaitedCount() - timerWaits0;
        long poolCpu = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("portico-cron-run-")) {
                poolCpu += Math.max(0, threads.getThreadCpuTime(t.threadId()));
            }
        }
        scheduler.stop(Duration.ofSeconds(5));
        inner.close();
        if (!all || odd.get() > 0 || armedMs <= 0) {
            throw new IllegalStateException("burst did not run as planned: finished " + (n - finished.getCount()) + "/" + n
                    + ", " + odd.get() + " runs not scheduled or not ok, armed " + armedMs + " ms before due");
        }

        Arrays.sort(lags);
        double allDoneMs = (lastEndMicros.get() - ChronoUnit.MICROS.between(Instant.EPOCH, lastDue)) / 1e3;
        double p99 = percentile(lags, 0.99);
        String what = String.format(Locale.ROOT, "%s | %,d `%s`, %s | %s", storeKind, n, kind,
                spreadMs == 0 ? "one instant" : "spread over " + spreadMs + " ms", which);
        String target = p99 < 50 ? "met" : String.format(Locale.ROOT, "missed by %,.0f ms", p99 - 50);
        System.out.printf(Locale.ROOT, "| %s | %,.1f | %,.1f | %,.1f | %,.1f | %,.0f | %s | %,d |%n", what, lags[0],
                percentile(lags, 0.50), p99, lags[lags.length - 1], allDoneMs, target, armedMs);
        System.out.printf(Locale.ROOT, "S| %s | %s | %s | %s | %,.0f ms, %,d wake-ups | %,.0f ms | %,.0f ms |%n", what,
                store.recordRun, store.save, store.saveState, timerCpu / 1e6, timerWaits, poolCpu / 1e6, startMs);
    }

    /**
     * Gives each recurring job the runs file of a job that has run before (its last {@code count}
     * hourly runs before {@code before}, each recorded running, then ok, as {@link FileJobStore}
     * appends them): a job due at 09:00 every day has its file from the days before, and its run
     * appends to it rather than creating it. Returns the number of files written.
     */
    private static int writeHistories(Path dir, List<Job> jobs, Instant before, int count) throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        int files = 0;
        for (Job job : jobs) {
            if (count == 0 || job.schedule() instanceof Schedule.At) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (int k = count; k >= 1; k--) {
                Instant at = before.minus(Duration.ofHours(k));
                JobRun run = new JobRun("history-" + k + "-" + job.id(), job.id(), JobRun.Trigger.SCHEDULE, at, at,
                        RunStatus.RUNNING, Optional.empty(), Optional.empty(), Optional.of("cron:" + job.id()),
                        Optional.empty());
                sb.append(CronJson.run(run)).append('\n');
                sb.append(CronJson.run(run.finish(RunStatus.OK, at.plusMillis(5), Optional.empty(), Optional.empty())))
                        .append('\n');
            }
            Files.writeString(runs.resolve(job.id() + ".jsonl"), sb);
            files++;
        }
        return files;
    }

    /** The nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    /** How often a store method was called and how long it took. */
    private static final class Timing {
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        void add(long startNanos) {
            long took = System.nanoTime() - startNanos;
            calls.incrementAndGet();
            nanos.addAndGet(took);
            max.accumulateAndGet(took, Math::max);
        }

        @Override
        public String toString() {
            long n = calls.get();
            if (n == 0) {
                return "–";
            }
            return String.format(Locale.ROOT, "%,d × %,.0f µs (max %,.1f ms)", n, nanos.get() / 1e3 / n, max.get() / 1e6);
        }
    }

    /** A store that times the calls the scheduler makes while runs go on. */
    private static final class TimedStore implements JobStore {
        private final JobStore inner;
        final Timing recordRun = new Timing();
        final Timing save = new Timing();
        final Timing saveState = new Timing();

        TimedStore(JobStore inner) {
            this.inner = inner;
        }

        @Override
        public List<Job> load() {
            return inner.load();
        }

        @Override
        public void save(Job job) {
            long t = System.nanoTime();
            inner.save(job);
            save.add(t);
        }

        @Override
        public void saveState(Job job) {
            long t = System.nanoTime();
            inner.saveState(job);
            saveState.add(t);
        }

        @Override
        public boolean delete(String jobId) {
            return inner.delete(jobId);
        }

        @Override
        public void recordRun(JobRun run) {
            long t = System.nanoTime();
            inner.recordRun(run);
            recordRun.add(t);
        }

        @Override
        public List<JobRun> runs(String jobId, int limit) {
            return inner.runs(jobId, limit);
        }

        @Override
        public List<JobRun> unfinishedRuns() {
            return inner.unfinishedRuns();
        }

        @Override
        public void flush() {
            inner.flush();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
