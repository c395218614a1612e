package dev.portico.cron;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.JobStore;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Runs jobs on their schedules.
 *
 * <p><b>One timer.</b> Every enabled job has one entry in a priority queue ordered by its next run;
 * one thread sleeps until the earliest entry is due (or a run overstays its timeout) and is woken
 * when jobs change. Nothing polls: with a hundred thousand jobs loaded and none due, the thread
 * sleeps. It wakes at least once a minute regardless, so that a wall clock moved forward (a
 * suspended laptop, an NTP step) is noticed within a minute.
 *
 * <p><b>Runs.</b> Due runs go to a bounded pool ({@link Builder#poolSize}, 4 by default). A job
 * never overlaps itself: a run that falls due while the previous one still runs is recorded
 * {@code skipped}, with the reason. A run that overstays its timeout (the payload's, else
 * {@link Builder#defaultTimeout}) is interrupted and recorded as an error. A run is recorded
 * {@code running} in the store before it starts; one the store still shows running at the next
 * start was cut short by a crash and is closed as {@code error: interrupted}, never replayed.
 *
 * <p><b>Failures.</b> After a failed run the next attempt waits for the backoff (30 s, 1 min, 5 min,
 * 15 min, then 60 min for every further consecutive error) or the next scheduled time, whichever
 * is later; a success returns the job to its schedule. An {@code at} job is disabled after it
 * succeeds (deleted when {@code delete_after_run} is set) or after 5 consecutive errors.
 *
 * <p><b>Missed runs.</b> When the gateway starts after being down, a job whose time passed runs
 * once at start-up (misfire policy {@code run_once}: however many times it missed, it runs once),
 * or records one {@code skipped} run and waits for its next time ({@code skip}). Runs missed while
 * running (the timer was late) are coalesced the same way: the next time is always computed after
 * now.
 *
 * <p>Manual runs ({@link #trigger}) run even when the job is disabled, and leave its schedule as it
 * is. All methods are safe to call from any thread.
 */
public final class CronScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CronScheduler.class.getName());

    /** The waits after 1, 2, 3, 4 and 5 or more consecutive errors. */
    public static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(60));
    /** Consecutive errors after which an {@code at} job is disabled. */
    public static final int AT_MAX_ERRORS = 5;
    /** The longest the timer sleeps without looking at the clock. */
    static final long MAX_SLEEP_MILLIS = 60_000;
    /** How many due runs the timer prepares before handing them to the pool. */
    private static final int SLICE = 32;
    private static final String INTERRUPTED = "interrupted: the gateway stopped during the run";

    private final JobStore store;
    private final JobExecutor executor;
    private final Clock clock;
    private final CronListener listener;
    private volatile Duration defaultTimeout;
    private final ExecutorService ownPool;
    private final Executor pool;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Entry> jobs = new HashMap<>();
    private final Map<String, String> idempotencyKeys = new HashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparingLong(Due::at));
    /** The runs in progress, for their timeouts: as many as the pool runs, not as many as there are jobs. */
    private final Set<Active> activeRuns = new HashSet<>();
    private long seq;
    /** When the timer means to look again, by the clock in milliseconds. */
    private volatile long plannedWake = Long.MAX_VALUE;
    /**
     * Counts the signals to the timer, so one given between its last look at the queue and its
     * sleep is not lost. Guarded by the lock.
     */
    private long signals;
    /** The value of {@link #signals} when the timer last looked. Guarded by the lock. */
    private long signalsSeen;
    private boolean started;
    private boolean closed;
    private Thread timer;

    /** A job and what the scheduler holds for it. */
    private static final class Entry {
        Job job;
        NextRun next;
        /** Which queue entry is current; older ones are skipped when they come up. */
        long seq;
        /** The run in progress, or null. */
        Active active;

        Entry(Job job, NextRun next) {
            this.job = job;
            this.next = next;
        }
    }

    /** A run in progress: the thread to interrupt and when. */
    private static final class Active {
        final JobRun run;
        private Thread worker;
        /** When it must end, by the clock in milliseconds; set when it starts. */
        volatile long deadline = Long.MAX_VALUE;
        final Duration timeout;
        volatile boolean timedOut;

        Active(JobRun run, Duration timeout) {
            this.run = run;
            this.timeout = timeout;
        }

        /** Interrupts the run's thread, if it is still on it (never the thread's next task). */
        synchronized void interrupt() {
            timedOut = true;
            if (worker != null) {
                worker.interrupt();
            }
        }

        synchronized void begin(Thread thread, long deadlineMillis) {
            worker = thread;
            deadline = deadlineMillis;
        }

        /** Detaches the thread and clears an interrupt meant for this run. */
        synchronized void end() {
            worker = null;
            Thread.interrupted();
        }
    }

    private record Due(long at, long seq, String jobId) {}

    private CronScheduler(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.clock = b.clock;
        this.listener = b.listener;
        this.defaultTimeout = b.defaultTimeout;
        if (b.pool != null) {
            this.ownPool = null;
            this.pool = b.pool;
        } else {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor tpe = new ThreadPoolExecutor(b.poolSize, b.poolSize, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "portico-cron-run-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            tpe.allowCoreThreadTimeOut(true);
            this.ownPool = tpe;
            this.pool = tpe;
        }
    }

    /**
     * Changes the pool size and the default run timeout while the scheduler runs: runs in progress
     * keep the timeout they started with; a smaller pool lets runs in progress finish and starts
     * fewer after them.
     *
     * @param poolSize runs that may run at once, 1 to 256 (ignored with a pool given to the builder)
     * @param defaultTimeout the timeout of runs whose job sets none, &gt; 0
     * @throws IllegalArgumentException naming a bad value
     */
    public void reconfigure(int poolSize, Duration defaultTimeout) {
        Builder check = builder().poolSize(poolSize).defaultTimeout(defaultTimeout);
        this.defaultTimeout = check.defaultTimeout;
        if (ownPool instanceof ThreadPoolExecutor tpe && tpe.getMaximumPoolSize() != poolSize) {
            // The core size may never exceed the maximum: grow the maximum first, shrink it last.
            if (poolSize > tpe.getMaximumPoolSize()) {
                tpe.setMaximumPoolSize(poolSize);
                tpe.setCorePoolSize(poolSize);
            } else {
                tpe.setCorePoolSize(poolSize);
                tpe.setMaximumPoolSize(poolSize);
            }
        }
    }

    /**
     * The size of the scheduler's own pool: runs that may run at once.
     *
     * @return the pool size; 0 when runs go to an executor given to the builder
     */
    public int poolSize() {
        return ownPool instanceof ThreadPoolExecutor tpe ? tpe.getMaximumPoolSize() : 0;
    }

    /**
     * Starts building a scheduler.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the jobs, closes runs a crash cut short, applies each job's misfire policy, and starts
     * the timer.
     *
     * @return this scheduler
     */
    public CronScheduler start() {
        load();
        Thread t = new Thread(this::timerLoop, "portico-cron-timer");
        t.setDaemon(true);
        lock.lock();
        try {
            timer = t;
        } finally {
            lock.unlock();
        }
        t.start();
        return this;
    }

    /** Loads the store without starting the timer: tests drive {@link #tick()} by hand. */
    void load() {
        List<Job> loaded = store.load();
        Instant now = now();
        Map<String, Job> byId = new HashMap<>();
        for (Job job : loaded) {
            byId.put(job.id(), job);
        }
        for (JobRun cut : store.unfinishedRuns()) {
            JobRun closedRun = cut.finish(RunStatus.ERROR, now, Optional.of(INTERRUPTED), Optional.empty());
            store.recordRun(closedRun);
            Job job = byId.get(cut.jobId());
            if (job != null) {
                JobState s = job.state();
                byId.put(job.id(), job.withState(new JobState(s.nextRun(), Optional.of(cut.startedAt()),
                        Optional.of(RunStatus.ERROR), Optional.of(INTERRUPTED),
                        closedRun.duration().orElse(Duration.ZERO).toMillis(), s.consecutiveErrors() + 1,
                        s.totalRuns())));
            }
            LOG.log(System.Logger.Level.WARNING, "cron job " + cut.jobId() + ": run " + cut.runId()
                    + " was cut short by a stop; recorded as error (not run again)");
        }
        List<Runnable> toFire = new ArrayList<>();
        List<JobRun> skipped = new ArrayList<>();
        List<Job> retired = new ArrayList<>();
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("the scheduler was already started");
            }
            started = true;
            for (Job job : byId.values()) {
                NextRun next;
                try {
                    next = NextRun.of(job.schedule());
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.WARNING, "cron job " + job.id() + " has a schedule that no longer parses "
                            + "(" + e.getMessage() + "); it is kept, disabled");
                    next = null;
                }
                Entry entry = new Entry(job, next);
                jobs.put(job.id(), entry);
                job.idempotencyKey().ifPresent(k -> idempotencyKeys.put(k, job.id()));
                if (next == null) {
                    entry.job = job.withEnabled(false, now).withState(job.state().withNextRun(Optional.empty()));
                    store.save(entry.job);
                    continue;
                }
                if (!job.enabled()) {
                    setNext(entry, Optional.empty());
                    continue;
                }
                Optional<Instant> planned = planned(job, next);
                if (planned.isPresent() && !planned.get().isAfter(now)) {
                    if (job.misfire() == MisfirePolicy.RUN_ONCE) {
                        toFire.add(fire(entry, planned.get(), JobRun.Trigger.MISFIRE, now));
                    } else {
                        skipped.add(skip(entry, JobRun.Trigger.MISFIRE, planned.get(), now, "missed at "
                                + planned.get() + " while the gateway was down (misfire policy skip)"));
                    }
                } else if (planned.isEmpty() && job.schedule() instanceof Schedule.At) {
                    if (job.state().lastStatus().filter(st -> st == RunStatus.OK).isPresent()) {
                        retired.add(retire(entry, now));
                    } else {
                        setNext(entry, Optional.of(now)); // its last attempt failed: try again
                    }
                } else {
                    setNext(entry, planned.isPresent() ? planned : entry.next.after(now));
                }
            }
        } finally {
            lock.unlock();
        }
        for (JobRun run : skipped) {
            store.recordRun(run);
            listener.runFinished(run);
        }
        for (Job job : retired) {
            if (jobs.containsKey(job.id())) {
                store.saveState(job);
            } else {
                store.deleteLater(job.id());
            }
        }
        if (!skipped.isEmpty() || !toFire.isEmpty() || !retired.isEmpty()) {
            store.flush();
        }
        toFire.forEach(pool::execute);
    }

    /**
     * When a loaded job should run next: its saved next run, unless its run history shows that time
     * was already run (the state is saved lazily; the history is not), then the time after.
     */
    private static Optional<Instant> planned(Job job, NextRun next) {
        JobState s = job.state();
        if (s.nextRun().isEmpty()) {
            if (job.schedule() instanceof Schedule.At at) {
                return s.lastStatus().filter(st -> st == RunStatus.OK).isPresent() ? Optional.empty() : Optional.of(at.at());
            }
            return s.lastRun().flatMap(next::after);
        }
        Instant saved = s.nextRun().get();
        if (s.lastRun().isPresent() && !s.lastRun().get().isBefore(saved)) {
            return next.after(s.lastRun().get());
        }
        return Optional.of(saved);
    }

    /**
     * An {@code at} job whose run the history shows done, but whose retirement a crash lost:
     * disabled again, or deleted again with {@code delete_after_run}. Called with the lock held.
     */
    private Job retire(Entry entry, Instant now) {
        Job job = entry.job;
        setNext(entry, Optional.empty());
        if (job.deleteAfterRun()) {
            forget(entry);
            return job;
        }
        entry.job = entry.job.withEnabled(false, now);
        return entry.job;
    }

    /**
     * Records a due run as skipped, with the reason, and moves the job on to its first time after
     * now; an {@code at} job has none and is disabled. Called with the lock held; the caller
     * records the run.
     */
    private JobRun skip(Entry entry, JobRun.Trigger trigger, Instant dueAt, Instant now, String reason) {
        JobRun run = new JobRun(newRunId(), entry.job.id(), trigger, dueAt, now, RunStatus.RUNNING,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())
                .finish(RunStatus.SKIPPED, now, Optional.of(reason), Optional.empty());
        JobState s = entry.job.state();
        entry.job = entry.job.withState(new JobState(s.nextRun(), s.lastRun(), Optional.of(RunStatus.SKIPPED),
                run.error(), s.lastDurationMs(), s.consecutiveErrors(), s.totalRuns()));
        if (entry.job.schedule() instanceof Schedule.At) {
            entry.job = entry.job.withEnabled(false, now);
            setNext(entry, Optional.empty());
        } else {
            setNext(entry, entry.next.after(now));
        }
        store.saveState(entry.job);
        return run;
    }

    /** The timer thread: fire what is due, then sleep until the next thing to do or a change. */
    private void timerLoop() {
        while (true) {
            long sleep;
            try {
                sleep = tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cron timer: " + e.getMessage(), e);
                sleep = 1000;
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (sleep > 0 && signals == signalsSeen) {
                    changed.await(sleep, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Fires every job that is due, interrupts runs that overstay, and says how long to sleep.
     *
     * @return milliseconds until the next thing to do, at most {@link #MAX_SLEEP_MILLIS}
     */
    long tick() {
        while (true) {
            List<Runnable> toFire = new ArrayList<>();
            List<JobRun> skipped = new ArrayList<>();
            long sleep = -1;
            lock.lock();
            try {
                signalsSeen = signals;
                long nowMillis = clock.millis();
                Instant now = Instant.ofEpochMilli(nowMillis);
                // A burst is handed to the pool in slices, so the first runs start while later
                // ones are still being prepared.
                while (!queue.isEmpty() && queue.peek().at() <= nowMillis && toFire.size() + skipped.size() < SLICE) {
                    Due due = queue.poll();
                    Entry entry = jobs.get(due.jobId());
                    if (entry == null || entry.seq != due.seq()) {
                        continue;
                    }
                    Instant dueAt = Instant.ofEpochMilli(due.at());
                    if (entry.active != null) {
                        skipped.add(skip(entry, JobRun.Trigger.SCHEDULE, dueAt, now,
                                "the previous run " + entry.active.run.runId() + " was still running"));
                    } else {
                        toFire.add(fire(entry, dueAt, JobRun.Trigger.SCHEDULE, now));
                    }
                }
                if (queue.isEmpty() || queue.peek().at() > nowMillis) {
                    long wake = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at();
                    for (Active a : activeRuns) {
                        if (a.deadline <= nowMillis && !a.timedOut) {
                            a.interrupt();
                        } else if (!a.timedOut) {
                            wake = Math.min(wake, a.deadline);
                        }
                    }
                    plannedWake = wake;
                    sleep = wake == Long.MAX_VALUE ? MAX_SLEEP_MILLIS : Math.clamp(wake - nowMillis, 0, MAX_SLEEP_MILLIS);
                }
            } finally {
                lock.unlock();
            }
            toFire.forEach(pool::execute);
            for (JobRun run : skipped) {
                store.recordRun(run);
                listener.runFinished(run);
            }
            if (sleep >= 0) {
                return sleep;
            }
        }
    }

    /**
     * Marks a job running and returns the task that runs it. Called with the lock held; the
     * schedule moves on to the first time after now, so runs missed meanwhile are coalesced.
     */
    private Runnable fire(Entry entry, Instant dueAt, JobRun.Trigger trigger, Instant now) {
        Job job = entry.job;
        String runId = newRunId();
        JobRun run = new JobRun(runId, job.id(), trigger, dueAt, now, RunStatus.RUNNING, Optional.empty(),
                Optional.empty(), Optional.of(sessionKey(job, runId)), Optional.empty());
        Duration timeout = job.payload() instanceof Payload.AgentTurn t ? t.timeout().orElse(defaultTimeout) : defaultTimeout;
        Active active = new Active(run, timeout);
        entry.active = active;
        activeRuns.add(active);
        if (trigger != JobRun.Trigger.MANUAL) {
            setNext(entry, job.schedule() instanceof Schedule.At ? Optional.empty() : entry.next.after(now));
        }
        Job snapshot = entry.job;
        return () -> execute(snapshot, active);
    }

    /** The session a run goes to: the job's own, or a fresh one per run. */
    static String sessionKey(Job job, String runId) {
        return switch (job.sessionTarget()) {
            case MAIN -> "cron:" + job.id();
            case ISOLATED -> "cron:" + job.id() + ":" + runId;
        };
    }

    /** Runs on a pool thread: record, execute, record the outcome, move the job's state on. */
    private void execute(Job job, Active active) {
        JobRun run = active.run;
        RunStatus status;
        Optional<String> error = Optional.empty();
        Optional<String> delivery = Optional.empty();
        try {
            store.recordRun(run);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cron job " + job.id() + ": the run could not be recorded; not run", e);
            finish(job, active, run.finish(RunStatus.ERROR, now(), Optional.of("the run could not be recorded: "
                    + e.getMessage()), Optional.empty()));
            return;
        }
        listener.runStarted(run);
        long deadline = clock.millis() + active.timeout.toMillis();
        active.begin(Thread.currentThread(), deadline);
        if (deadline < plannedWake) {
            wake();
        }
        try {
            if (closedNow()) {
                throw new InterruptedException();
            }
            delivery = executor.execute(job, run);
            status = RunStatus.OK;
        } catch (InterruptedException e) {
            status = RunStatus.ERROR;
            error = Optional.of(INTERRUPTED);
        } catch (Exception | LinkageError e) {
            status = RunStatus.ERROR;
            String message = e.getMessage();
            error = Optional.of(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
        } finally {
            active.end();
        }
        if (status == RunStatus.ERROR && active.timedOut) {
            error = Optional.of("timed out after " + Durations.describe(active.timeout));
        }
        finish(job, active, run.finish(status, now(), error, delivery));
    }

    private void finish(Job ran, Active active, JobRun finished) {
        Instant end = finished.finishedAt().orElseThrow();
        boolean ok = finished.status() == RunStatus.OK;
        String change = null;
        boolean deleted = false;
        Job after = null;
        lock.lock();
        try {
            activeRuns.remove(active);
            Entry entry = jobs.get(ran.id());
            if (entry != null && entry.active == active) {
                entry.active = null;
                Job job = entry.job;
                JobState s = job.state();
                int errors = ok ? 0 : s.consecutiveErrors() + 1;
                Optional<Instant> next = s.nextRun();
                boolean manual = finished.trigger() == JobRun.Trigger.MANUAL;
                boolean enabled = job.enabled();
                if (job.schedule() instanceof Schedule.At && !manual) {
                    if (ok || errors >= AT_MAX_ERRORS) {
                        enabled = false;
                        next = Optional.empty();
                    } else {
                        next = Optional.of(end.plus(backoff(errors)));
                    }
                } else if (!ok && !manual && enabled && next.isPresent()) {
                    Instant retry = end.plus(backoff(errors));
                    next = Optional.of(next.get().isAfter(retry) ? next.get() : retry);
                }
                JobState state = new JobState(next, Optional.of(finished.startedAt()), Optional.of(finished.status()),
                        finished.error(), finished.duration().orElse(Duration.ZERO).toMillis(), errors,
                        s.totalRuns() + 1);
                entry.job = job.withState(state);
                if (enabled != job.enabled()) {
                    entry.job = entry.job.withEnabled(enabled, end);
                    change = "disabled";
                }
                if (!enabled && job.deleteAfterRun() && ok && job.schedule() instanceof Schedule.At) {
                    forget(entry);
                    deleted = true;
                    change = "deleted";
                } else {
                    setNext(entry, enabled ? next : Optional.empty());
                }
                after = entry.job;
            }
        } finally {
            lock.unlock();
        }
        try {
            store.recordRun(finished);
            if (after != null) {
                // The scheduler's own changes are written lazily: the run history shows them again
                // at start-up if a crash loses them.
                if (deleted) {
                    store.deleteLater(after.id());
                } else {
                    store.saveState(after);
                }
            }
        } catch (RuntimeException e) {
            // The run stays recorded as running, so the next start closes it as interrupted.
            LOG.log(System.Logger.Level.ERROR, "cron job " + ran.id() + ": the end of run " + finished.runId()
                    + " could not be recorded: " + e.getMessage(), e);
        }
        listener.runFinished(finished);
        if (change != null) {
            listener.jobChanged(after, change);
        }
    }

    private static Duration backoff(int consecutiveErrors) {
        return BACKOFF.get(Math.clamp(consecutiveErrors - 1, 0, BACKOFF.size() - 1));
    }

    /** Sets a job's next run and its queue entry (none when empty). Called with the lock held. */
    private void setNext(Entry entry, Optional<Instant> next) {
        entry.seq = ++seq;
        entry.job = entry.job.withState(entry.job.state().withNextRun(next));
        if (next.isPresent()) {
            boolean earliest = queue.isEmpty() || next.get().toEpochMilli() < queue.peek().at();
            queue.add(new Due(next.get().toEpochMilli(), entry.seq, entry.job.id()));
            if (earliest) {
                signal();
            }
        }
        if (queue.size() > 2 * jobs.size() + 64) {
            compactQueue();
        }
    }

    /** Removes a job from the table; its queue entries become stale. Called with the lock held. */
    private void forget(Entry entry) {
        jobs.remove(entry.job.id());
        entry.seq = ++seq;
        entry.job.idempotencyKey().ifPresent(idempotencyKeys::remove);
    }

    /** Drops queue entries that were superseded, so a busy queue stays the size of the job table. */
    private void compactQueue() {
        queue.removeIf(d -> {
            Entry e = jobs.get(d.jobId());
            return e == null || e.seq != d.seq();
        });
    }

    private void wake() {
        lock.lock();
        try {
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the timer, or keeps it from going to sleep when it is about to. Called with the lock held. */
    private void signal() {
        signals++;
        changed.signalAll();
    }

    // ---- the API ---------------------------------------------------------------------------

    /**
     * What {@link #create} did.
     *
     * @param job the job
     * @param replayed true when the job had been created before with the same idempotency key
     */
    public record Created(Job job, boolean replayed) {}

    /**
     * Creates a job: checks its schedule, works out its first run, saves it.
     *
     * @param job the job (its state is ignored; a new job starts with none)
     * @return the job as created, or the job created earlier with the same idempotency key
     *     ({@code replayed})
     * @throws GatewayException {@code INVALID_REQUEST} for a schedule that does not parse;
     *     {@code CONFLICT} when a job with that id exists
     */
    public Created create(Job job) {
        NextRun next = prepare(job.schedule());
        Instant now = now();
        Job created;
        lock.lock();
        try {
            checkOpen();
            Optional<String> key = job.idempotencyKey();
            if (key.isPresent() && idempotencyKeys.containsKey(key.get())) {
                Entry earlier = jobs.get(idempotencyKeys.get(key.get()));
                if (earlier != null) {
                    return new Created(earlier.job, true);
                }
            }
            // Ids that differ only in case are one: run history files are named by id, and some file
            // systems ignore case.
            if (jobs.containsKey(job.id()) || jobs.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(job.id()))) {
                throw new GatewayException(ErrorCode.CONFLICT, "id: a job with id " + job.id() + " exists (expected: "
                        + "a new id, or none to have one made; ids differing only in case are the same)");
            }
            Entry entry = new Entry(job.withState(JobState.NEW), next);
            setNext(entry, job.enabled() ? firstRun(job, next, now) : Optional.empty());
            store.save(entry.job);
            jobs.put(job.id(), entry);
            key.ifPresent(k -> idempotencyKeys.put(k, job.id()));
            created = entry.job;
        } finally {
            lock.unlock();
        }
        listener.jobChanged(created, "created");
        return new Created(created, false);
    }

    /** A new job's first run: an {@code at} in the past runs at once; the rest after now. */
    private static Optional<Instant> firstRun(Job job, NextRun next, Instant now) {
        if (job.schedule() instanceof Schedule.At at) {
            return Optional.of(at.at().isAfter(now) ? at.at() : now);
        }
        return next.after(now);
    }

    /**
     * Changes a job's definition. Its state stays; its next run is worked out again when its
     * schedule or whether it is enabled changed.
     *
     * @param id the job's id
     * @param edit the change, given the job as it is; must keep its id
     * @return the job as changed
     * @throws GatewayException {@code JOB_NOT_FOUND}; {@code INVALID_REQUEST} for a schedule that
     *     does not parse
     */
    public Job update(String id, UnaryOperator<Job> edit) {
        Instant now = now();
        Job updated;
        String change;
        lock.lock();
        try {
            checkOpen();
            Entry entry = entry(id);
            Job before = entry.job;
            Job after = edit.apply(before);
            if (!after.id().equals(id)) {
                throw new GatewayException(ErrorCode.INVALID_REQUEST, "id: a job's id cannot change (job " + id + ")");
            }
            NextRun next = after.schedule().equals(before.schedule()) && entry.next != null ? entry.next : prepare(after.schedule());
            after = new Job(id, after.name(), after.schedule(), after.payload(), after.sessionTarget(), after.delivery(),
                    after.misfire(), after.enabled(), after.deleteAfterRun(), before.createdAt(), now,
                    before.idempotencyKey(), before.state());
            entry.job = after;
            entry.next = next;
            if (!after.enabled()) {
                setNext(entry, Optional.empty());
            } else if (!before.enabled() || !after.schedule().equals(before.schedule())) {
                setNext(entry, firstRun(after, next, now));
            }
            store.save(entry.job);
            updated = entry.job;
            change = before.enabled() == after.enabled() ? "updated" : after.enabled() ? "enabled" : "disabled";
        } finally {
            lock.unlock();
        }
        listener.jobChanged(updated, change);
        return updated;
    }

    /**
     * Enables or disables a job.
     *
     * @param id the job's id
     * @param enabled the new setting; empty to flip it
     * @return the job as it is now
     * @throws GatewayException {@code JOB_NOT_FOUND}
     */
    public Job setEnabled(String id, Optional<Boolean> enabled) {
        return update(id, j -> j.withEnabled(enabled.orElse(!j.enabled()), j.updatedAt()));
    }

    /**
     * Deletes a job and its run history. A run in progress goes on; its outcome is not kept.
     *
     * @param id the job's id
     * @return the deleted job
     * @throws GatewayException {@code JOB_NOT_FOUND}
     */
    public Job delete(String id) {
        Job deleted;
        lock.lock();
        try {
            checkOpen();
            Entry entry = entry(id);
            forget(entry);
            store.delete(id);
            deleted = entry.job;
        } finally {
            lock.unlock();
        }
        listener.jobChanged(deleted, "deleted");
        return deleted;
    }

    /**
     * Runs a job now, in the background, whether or not it is enabled; its schedule is unchanged.
     *
     * @param id the job's id
     * @return the run, as recorded when it starts
     * @throws GatewayException {@code JOB_NOT_FOUND}; {@code CONFLICT} while the job is running
     */
    public JobRun trigger(String id) {
        Runnable task;
        JobRun run;
        lock.lock();
        try {
            checkOpen();
            Entry entry = entry(id);
            if (entry.active != null) {
                throw new GatewayException(ErrorCode.CONFLICT, "job " + id + " is running (run "
                        + entry.active.run.runId() + "); a job never overlaps itself");
            }
            Instant now = now();
            task = fire(entry, now, JobRun.Trigger.MANUAL, now);
            run = entry.active.run;
        } finally {
            lock.unlock();
        }
        pool.execute(task);
        return run;
    }

    /**
     * One job.
     *
     * @param id the id
     * @return the job, or empty
     */
    public Optional<Job> get(String id) {
        lock.lock();
        try {
            Entry e = jobs.get(id);
            return e == null ? Optional.empty() : Optional.of(e.job);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every job, oldest first.
     *
     * @return the jobs
     */
    public List<Job> list() {
        List<Job> out;
        lock.lock();
        try {
            out = new ArrayList<>(jobs.size());
            for (Entry e : jobs.values()) {
                out.add(e.job);
            }
        } finally {
            lock.unlock();
        }
        out.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return out;
    }

    /**
     * How many jobs there are.
     *
     * @return the count
     */
    public int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A job's runs, newest first.
     *
     * @param id the job's id
     * @param limit the most to return
     * @return the runs
     * @throws GatewayException {@code JOB_NOT_FOUND}
     */
    public List<JobRun> runs(String id, int limit) {
        lock.lock();
        try {
            entry(id);
        } finally {
            lock.unlock();
        }
        return store.runs(id, limit);
    }

    /**
     * Whether a job is running now.
     *
     * @param id the job's id
     * @return the run in progress, or empty
     */
    public Optional<JobRun> running(String id) {
        lock.lock();
        try {
            Entry e = jobs.get(id);
            return e == null || e.active == null ? Optional.empty() : Optional.of(e.active.run);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new job id: 16 characters, random.
     *
     * @return the id
     */
    public static String newJobId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String a = Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
        String b = Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
        return (a + b + "0000000000000000").substring(0, 16);
    }

    /**
     * Parses a schedule for a job, as an API error when it does not parse.
     *
     * @param schedule the schedule
     * @return the prepared schedule
     * @throws GatewayException {@code INVALID_REQUEST} naming what is wrong
     */
    public static NextRun prepare(Schedule schedule) {
        try {
            return NextRun.of(schedule);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
    }

    /**
     * Stops the timer and waits up to {@code grace} for runs in progress; runs still going after
     * that are interrupted (and recorded as errors when they end, or at the next start). Flushes
     * the store; does not close it.
     *
     * @param grace how long to wait for runs in progress
     */
    public void stop(Duration grace) {
        Thread t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            t = timer;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
        }
        if (ownPool != null) {
            ownPool.shutdown();
            try {
                if (!ownPool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    // Interrupted runs still record how they ended: give them a moment to.
                    ownPool.shutdownNow();
                    ownPool.awaitTermination(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                ownPool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        store.flush();
    }

    /** Stops with five seconds' grace for runs in progress. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    private boolean closedNow() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the scheduler is stopping");
        }
    }

    private Entry entry(String id) {
        Entry e = jobs.get(id);
        if (e == null) {
            throw new GatewayException(ErrorCode.JOB_NOT_FOUND, "job: " + id + " does not exist");
        }
        return e;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String newRunId() {
        return UUID.randomUUID().toString();
    }

    /** Configures a {@link CronScheduler}. */
    public static final class Builder {
        private JobStore store;
        private JobExecutor executor;
        private Clock clock = Clock.systemUTC();
        private CronListener listener = CronListener.NONE;
        private Duration defaultTimeout = Duration.ofMinutes(10);
        private int poolSize = 4;
        private Executor pool;

        private Builder() {}

        /**
         * Where jobs are kept.
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(JobStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * What runs the payloads.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(JobExecutor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The clock; the system clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Who is told of changes and runs.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(CronListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How long a run may take when its payload does not say; 10 minutes by default.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("cron default timeout: " + timeout + " (expected: positive)");
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * How many runs go at once; 4 by default.
         *
         * @param size 1 to 256
         * @return this builder
         */
        public Builder poolSize(int size) {
            if (size < 1 || size > 256) {
                throw new IllegalArgumentException("cron pool size: " + size + " (expected: 1 to 256)");
            }
            this.poolSize = size;
            return this;
        }

        /** Runs tasks on a given executor instead of the scheduler's own pool: for tests. */
        Builder pool(Executor executor) {
            this.pool = executor;
            return this;
        }

        /**
         * Builds the scheduler; {@link CronScheduler#start()} starts it.
         *
         * @return the scheduler
         */
        public CronScheduler build() {
            return new CronScheduler(this);
        }
    }
}
