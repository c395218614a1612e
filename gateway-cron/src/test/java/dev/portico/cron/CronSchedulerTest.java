package dev.portico.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Schedule;
import dev.portico.api.cron.SessionTarget;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CronSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
    private final LinkedBlockingQueue<JobRun> finished = new LinkedBlockingQueue<>();
    private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
    private Function<Job, Optional<String>> behaviour = job -> Optional.empty();
    private CronScheduler scheduler;
    private ExecutorService threads;

    @AfterEach
    void tearDown() {
        if (scheduler != null) {
            scheduler.stop(Duration.ofSeconds(2));
        }
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** A scheduler that runs jobs on the thread that calls tick(), so each test is deterministic. */
    private CronScheduler direct() {
        return scheduler(CronScheduler.builder().pool(Runnable::run));
    }

    private CronScheduler scheduler(CronScheduler.Builder b) {
        scheduler = b.store(store).clock(clock).executor((job, run) -> {
            executed.add(job.id() + "@" + run.scheduledFor() + "/" + run.trigger().wireName());
            return behaviour.apply(job);
        }).listener(new CronListener() {
            @Override
            public void jobChanged(Job job, String change) {
                changes.add(job.id() + ":" + change);
            }

            @Override
            public void runFinished(JobRun run) {
                finished.add(run);
            }
        }).build();
        return scheduler;
    }

    static Job job(String id, Schedule schedule) {
        return new Job(id, "job " + id, schedule, Payload.AgentTurn.of("hello"), SessionTarget.MAIN, Delivery.NONE,
                MisfirePolicy.RUN_ONCE, true, false, T0, T0, Optional.empty(), JobState.NEW);
    }

    static Schedule every(Duration d) {
        return new Schedule.Every(d, T0);
    }

    private Job state(String id) {
        return scheduler.get(id).orElseThrow();
    }

    @Test
    void anEveryJobRunsWhenDueAndNotBefore() {
        direct().load();
        Job created = scheduler.create(job("a", every(Duration.ofMinutes(1)))).job();
        assertEquals(Optional.of(T0.plusSeconds(60)), created.state().nextRun());

        clock.set(T0.plusSeconds(59));
        assertEquals(1000, scheduler.tick(), "sleeps until the job is due");
        assertEquals(List.of(), executed);

        clock.set(T0.plusSeconds(60));
        scheduler.tick();
        assertEquals(List.of("a@" + T0.plusSeconds(60) + "/schedule"), executed);
        Job after = state("a");
        assertEquals(Optional.of(T0.plusSeconds(120)), after.state().nextRun());
        assertEquals(Optional.of(RunStatus.OK), after.state().lastStatus());
        assertEquals(Optional.of(T0.plusSeconds(60)), after.state().lastRun());
        assertEquals(1, after.state().totalRuns());
        JobRun run = store.runs("a", 10).get(0);
        assertEquals(RunStatus.OK, run.status());
        assertEquals(Optional.of("cron:a"), run.session());
    }

    @Test
    void aRunIsRecordedRunningBeforeItStarts() {
        direct().load();
        List<RunStatus> seen = new ArrayList<>();
        behaviour = job -> {
            seen.add(store.runs(job.id(), 1).get(0).status());
            return Optional.empty();
        };
        scheduler.create(job("a", every(Duration.ofMinutes(1))));
        clock.set(T0.plusSeconds(60));
        scheduler.tick();
        assertEquals(List.of(RunStatus.RUNNING), seen);
        assertEquals(RunStatus.OK, store.runs("a", 1).get(0).status());
        assertEquals(1, store.runs("a", 10).size(), "the finished record supersedes the running one");
    }

    @Test
    void aLateTimerCoalescesMissedRunsIntoOne() {
        direct().load();
        scheduler.create(job("a", every(Duration.ofMinutes(1))));
        clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(30));
        scheduler.tick();
        assertEquals(1, executed.size());
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(11))), state("a").state().nextRun());
    }

    @Test
    void aCronJobRunsOnTheWallClockOfItsZone() {
        clock.set(Instant.parse("2026-03-28T12:00:00Z"));
        direct().load();
        Job created = scheduler.create(job("b", new Schedule.Cron("0 9 * * *", ZoneId.of("Europe/Berlin")))).job();
        // Berlin moves to summer time on 2026-03-29: 09:00 CEST is 07:00 UTC.
        assertEquals(Optional.of(Instant.parse("2026-03-29T07:00:00Z")), created.state().nextRun());
        clock.set(Instant.parse("2026-03-29T07:00:00Z"));
        scheduler.tick();
        assertEquals(1, executed.size());
        assertEquals(Optional.of(Instant.parse("2026-03-30T07:00:00Z")), state("b").state().nextRun());
    }

    @Test
    void aTimeSkippedBySpringForwardRunsOnceAfterTheGap() {
        clock.set(Instant.parse("2026-03-07T12:00:00Z"));
        direct().load();
        scheduler.create(job("ny", new Schedule.Cron("30 2 * * *", ZoneId.of("America/New_York"))));
        // 02:30 does not exist in New York on 2026-03-08; the first valid instant is 03:00 EDT.
        assertEquals(Optional.of(Instant.parse("2026-03-08T07:00:00Z")), state("ny").state().nextRun());
        runThrough(Instant.parse("2026-03-09T12:00:00Z"));
        assertEquals(List.of("ny@2026-03-08T07:00:00Z/schedule", "ny@2026-03-09T06:30:00Z/schedule"), executed);
    }

    @Test
    void aTimeRepeatedByFallBackRunsOnceAtItsFirstOccurrence() {
        clock.set(Instant.parse("2026-10-31T12:00:00Z"));
        direct().load();
        scheduler.create(job("ny", new Schedule.Cron("30 1 * * *", ZoneId.of("America/New_York"))));
        runThrough(Instant.parse("2026-11-02T12:00:00Z"));
        // 01:30 EDT (05:30Z) on 2026-11-01, not again at 01:30 EST (06:30Z).
        assertEquals(List.of("ny@2026-11-01T05:30:00Z/schedule", "ny@2026-11-02T06:30:00Z/schedule"), executed);
    }

    @Test
    void anEveryJobKeepsRealTimeAcrossDaylightSaving() {
        clock.set(Instant.parse("2026-10-25T00:00:00Z"));
        direct().load();
        scheduler.create(job("e", new Schedule.Every(Duration.ofHours(1), Instant.parse("2026-10-25T00:00:00Z"))));
        runThrough(Instant.parse("2026-10-25T03:30:00Z"));
        assertEquals(List.of("e@2026-10-25T01:00:00Z/schedule", "e@2026-10-25T02:00:00Z/schedule",
                "e@2026-10-25T03:00:00Z/schedule"), executed);
    }

    /** Moves the clock from due time to due time up to an instant, ticking at each. */
    private void runThrough(Instant end) {
        for (int i = 0; i < 1000; i++) {
            Optional<Instant> next = scheduler.list().stream().flatMap(j -> j.state().nextRun().stream())
                    .min(Instant::compareTo);
            if (next.isEmpty() || next.get().isAfter(end)) {
                clock.set(end);
                scheduler.tick();
                return;
            }
            clock.set(next.get());
            scheduler.tick();
        }
        throw new AssertionError("no end");
    }

    @Test
    void failuresBackOffThenASuccessReturnsToTheSchedule() {
        direct().load();
        behaviour = job -> {
            throw new IllegalStateException("upstream down");
        };
        scheduler.create(job("f", every(Duration.ofSeconds(10))));
        List<Duration> waits = new ArrayList<>();
        clock.set(T0.plusSeconds(10));
        for (int i = 0; i < 6; i++) {
            scheduler.tick();
            Job j = state("f");
            assertEquals(i + 1, j.state().consecutiveErrors());
            assertEquals(Optional.of("upstream down"), j.state().lastError());
            waits.add(Duration.between(clock.instant(), j.state().nextRun().orElseThrow()));
            clock.set(j.state().nextRun().orElseThrow());
        }
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), Duration.ofMinutes(60), Duration.ofMinutes(60)), waits);
        behaviour = job -> Optional.empty();
        scheduler.tick();
        Job healed = state("f");
        assertEquals(0, healed.state().consecutiveErrors());
        assertEquals(Optional.of(clock.instant().plusSeconds(10)), healed.state().nextRun());
        assertEquals(7, healed.state().totalRuns());
    }

    @Test
    void anAtJobIsDisabledAfterItSucceeds() {
        direct().load();
        scheduler.create(job("once", new Schedule.At(T0.plusSeconds(5))));
        clock.set(T0.plusSeconds(5));
        scheduler.tick();
        Job j = state("once");
        assertFalse(j.enabled());
        assertEquals(Optional.empty(), j.state().nextRun());
        assertEquals(Optional.of(RunStatus.OK), j.state().lastStatus());
        assertTrue(changes.contains("once:disabled"));
        clock.set(T0.plus(Duration.ofDays(1)));
        scheduler.tick();
        assertEquals(1, executed.size());
    }

    @Test
    void anAtJobWithDeleteAfterRunIsDeletedAfterItSucceeds() {
        direct().load();
        Job j = job("once", new Schedule.At(T0.plusSeconds(5)));
        scheduler.create(new Job(j.id(), j.name(), j.schedule(), j.payload(), j.sessionTarget(), j.delivery(),
                j.misfire(), true, true, T0, T0, Optional.empty(), JobState.NEW));
        clock.set(T0.plusSeconds(5));
        scheduler.tick();
        assertEquals(Optional.empty(), scheduler.get("once"));
        assertEquals(List.of(), store.load());
        assertTrue(changes.contains("once:deleted"));
    }

    @Test
    void anAtJobInThePastRunsAtOnce() {
        direct().load();
        Job created = scheduler.create(job("late", new Schedule.At(T0.minusSeconds(30)))).job();
        assertEquals(Optional.of(T0), created.state().nextRun());
        scheduler.tick();
        assertEquals(1, executed.size());
    }

    @Test
    void anAtJobIsDisabledAfterFiveConsecutiveErrors() {
        direct().load();
        behaviour = job -> {
            throw new IllegalStateException("nope");
        };
        scheduler.create(job("once", new Schedule.At(T0.plusSeconds(5))));
        clock.set(T0.plusSeconds(5));
        for (int i = 0; i < 5; i++) {
            scheduler.tick();
            Optional<Instant> next = state("once").state().nextRun();
            if (i < 4) {
                assertEquals(Optional.of(clock.instant().plus(CronScheduler.BACKOFF.get(i))), next);
                clock.set(next.orElseThrow());
            }
        }
        Job j = state("once");
        assertFalse(j.enabled());
        assertEquals(5, j.state().consecutiveErrors());
        assertEquals(Optional.empty(), j.state().nextRun());
        assertEquals(5, executed.size());
    }

    @Test
    void aDueRunWhileThePreviousStillRunsIsSkippedWithTheReason() throws Exception {
        threads = Executors.newCachedThreadPool();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler(CronScheduler.builder().pool(threads)).load();
        behaviour = job -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Optional.empty();
        };
        scheduler.create(job("slow", every(Duration.ofMinutes(1))));
        clock.set(T0.plusSeconds(60));
        scheduler.tick();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        String firstRun = scheduler.running("slow").orElseThrow().runId();
        clock.set(T0.plusSeconds(120));
        scheduler.tick();
        JobRun skipped = finished.poll(5, TimeUnit.SECONDS);
        assertEquals(RunStatus.SKIPPED, skipped.status());
        assertEquals(Optional.of("the previous run " + firstRun + " was still running"), skipped.error());
        assertEquals(Optional.of(RunStatus.SKIPPED), state("slow").state().lastStatus());
        assertEquals(Optional.of(T0.plusSeconds(180)), state("slow").state().nextRun());
        GatewayException busy = assertThrows(GatewayException.class, () -> scheduler.trigger("slow"));
        assertEquals(ErrorCode.CONFLICT, busy.code());
        release.countDown();
        JobRun done = finished.poll(5, TimeUnit.SECONDS);
        assertEquals(firstRun, done.runId());
        assertEquals(RunStatus.OK, done.status());
        assertEquals(1, executed.size());
    }

    @Test
    void aRunThatOverstaysItsTimeoutIsInterruptedAndRecordedAsAnError() throws Exception {
        threads = Executors.newCachedThreadPool();
        CountDownLatch started = new CountDownLatch(1);
        scheduler(CronScheduler.builder().pool(threads).defaultTimeout(Duration.ofSeconds(30))).load();
        behaviour = job -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
            return Optional.empty();
        };
        scheduler.create(job("hang", every(Duration.ofHours(1))));
        clock.set(T0.plus(Duration.ofHours(1)));
        scheduler.tick();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(29));
        scheduler.tick();
        assertEquals(null, finished.poll(50, TimeUnit.MILLISECONDS), "not yet due to time out");
        clock.advance(Duration.ofSeconds(1));
        scheduler.tick();
        JobRun run = finished.poll(5, TimeUnit.SECONDS);
        assertEquals(RunStatus.ERROR, run.status());
        assertEquals(Optional.of("timed out after 30s"), run.error());
        assertEquals(1, state("hang").state().consecutiveErrors());
    }

    @Test
    void aPayloadTimeoutOverridesTheDefault() throws Exception {
        threads = Executors.newCachedThreadPool();
        scheduler(CronScheduler.builder().pool(threads)).load();
        CountDownLatch started = new CountDownLatch(1);
        behaviour = job -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
            return Optional.empty();
        };
        Job j = job("t", every(Duration.ofHours(1)));
        scheduler.create(new Job(j.id(), j.name(), j.schedule(),
                new Payload.AgentTurn("hi", Optional.empty(), Optional.of(Duration.ofSeconds(5))), j.sessionTarget(),
                j.delivery(), j.misfire(), true, false, T0, T0, Optional.empty(), JobState.NEW));
        scheduler.trigger("t");
        assertTrue(started.await(5, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(5));
        scheduler.tick();
        assertEquals(Optional.of("timed out after 5s"), finished.poll(5, TimeUnit.SECONDS).error());
    }

    @Test
    void missedRunsRunOnceAtStartUp() {
        Job saved = job("m", every(Duration.ofMinutes(5)));
        store.save(saved.withState(JobState.NEW.withNextRun(Optional.of(T0))));
        clock.set(T0.plus(Duration.ofHours(3)).plusSeconds(10));
        direct().load();
        assertEquals(List.of("m@" + T0 + "/misfire"), executed, "twelve missed runs an hour coalesce into one");
        assertEquals(Optional.of(T0.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5))), state("m").state().nextRun());
    }

    @Test
    void missedRunsAreSkippedWithThePolicySkip() {
        Job j = job("s", every(Duration.ofMinutes(5)));
        store.save(new Job(j.id(), j.name(), j.schedule(), j.payload(), j.sessionTarget(), j.delivery(),
                MisfirePolicy.SKIP, true, false, T0, T0, Optional.empty(), JobState.NEW.withNextRun(Optional.of(T0))));
        clock.set(T0.plus(Duration.ofHours(3)).plusSeconds(10));
        direct().load();
        assertEquals(List.of(), executed);
        JobRun skipped = store.runs("s", 1).get(0);
        assertEquals(RunStatus.SKIPPED, skipped.status());
        assertEquals(JobRun.Trigger.MISFIRE, skipped.trigger());
        assertTrue(skipped.error().orElseThrow().contains("misfire policy skip"), skipped.error().orElseThrow());
        assertEquals(Optional.of(T0.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5))), state("s").state().nextRun());
    }

    @Test
    void aRunCutShortByACrashIsClosedAsInterruptedAndNotReplayed() {
        Job j = job("c", every(Duration.ofHours(1)));
        // Saved before the run; the state after it never reached the store.
        store.save(j.withState(JobState.NEW.withNextRun(Optional.of(T0))));
        JobRun cut = new JobRun("run-1", "c", JobRun.Trigger.SCHEDULE, T0, T0, RunStatus.RUNNING, Optional.empty(),
                Optional.empty(), Optional.of("cron:c"), Optional.empty());
        store.recordRun(cut);
        clock.set(T0.plus(Duration.ofMinutes(30)));
        direct().load();
        assertEquals(List.of(), executed, "not replayed");
        JobRun closed = store.runs("c", 10).get(0);
        assertEquals("run-1", closed.runId());
        assertEquals(RunStatus.ERROR, closed.status());
        assertEquals(Optional.of("interrupted: the gateway stopped during the run"), closed.error());
        Job after = state("c");
        assertEquals(Optional.of(RunStatus.ERROR), after.state().lastStatus());
        assertEquals(Optional.of(T0.plus(Duration.ofHours(1))), after.state().nextRun());
    }

    @Test
    void aRunTheHistoryShowsIsNotRunAgainWhenTheStateWasNotSaved() {
        Job j = job("h", every(Duration.ofHours(1)));
        // What a store reconciles after a crash: next_run still the old time, last_run from the history.
        store.save(j.withState(new JobState(Optional.of(T0), Optional.of(T0), Optional.of(RunStatus.OK),
                Optional.empty(), 5, 0, 1)));
        clock.set(T0.plus(Duration.ofMinutes(30)));
        direct().load();
        assertEquals(List.of(), executed);
        assertEquals(Optional.of(T0.plus(Duration.ofHours(1))), state("h").state().nextRun());
    }

    @Test
    void anAtJobWhoseRetirementACrashLostIsRetiredAgainAtStartUp() {
        JobState ran = new JobState(Optional.of(T0), Optional.of(T0), Optional.of(RunStatus.OK), Optional.empty(), 3, 0, 1);
        Job keep = job("keep", new Schedule.At(T0));
        Job drop = job("drop", new Schedule.At(T0));
        store.save(keep.withState(ran));
        store.save(new Job("drop", drop.name(), drop.schedule(), drop.payload(), drop.sessionTarget(), drop.delivery(),
                drop.misfire(), true, true, T0, T0, Optional.empty(), ran));
        clock.set(T0.plus(Duration.ofMinutes(5)));
        direct().load();
        assertEquals(List.of(), executed, "not run again");
        assertFalse(state("keep").enabled());
        assertEquals(Optional.empty(), scheduler.get("drop"));
        assertEquals(List.of("keep"), store.load().stream().map(Job::id).toList());
    }

    @Test
    void aManualRunRunsADisabledJobAndLeavesItsSchedule() {
        direct().load();
        scheduler.create(job("d", every(Duration.ofHours(1))));
        scheduler.setEnabled("d", Optional.of(false));
        JobRun run = scheduler.trigger("d");
        assertEquals(JobRun.Trigger.MANUAL, run.trigger());
        assertEquals(List.of("d@" + T0 + "/manual"), executed);
        Job j = state("d");
        assertFalse(j.enabled());
        assertEquals(Optional.empty(), j.state().nextRun());
        assertEquals(Optional.of(RunStatus.OK), j.state().lastStatus());
        assertEquals(RunStatus.OK, store.runs("d", 1).get(0).status());
        assertEquals(run.runId(), store.runs("d", 1).get(0).runId());
    }

    @Test
    void theSameIdempotencyKeyCreatesOneJob() {
        direct().load();
        Job j = job("k1", every(Duration.ofHours(1)));
        Job keyed = new Job("k1", j.name(), j.schedule(), j.payload(), j.sessionTarget(), j.delivery(), j.misfire(),
                true, false, T0, T0, Optional.of("retry-1"), JobState.NEW);
        assertFalse(scheduler.create(keyed).replayed());
        CronScheduler.Created again = scheduler.create(new Job("k2", keyed.name(), keyed.schedule(), keyed.payload(),
                keyed.sessionTarget(), keyed.delivery(), keyed.misfire(), true, false, T0, T0, Optional.of("retry-1"),
                JobState.NEW));
        assertTrue(again.replayed());
        assertEquals("k1", again.job().id());
        assertEquals(1, scheduler.size());
    }

    @Test
    void sameNamesNeedDistinctIds() {
        direct().load();
        scheduler.create(job("x", every(Duration.ofHours(1))));
        GatewayException e = assertThrows(GatewayException.class, () -> scheduler.create(job("x", every(Duration.ofHours(2)))));
        assertEquals(ErrorCode.CONFLICT, e.code());
        Job sameName = job("y", every(Duration.ofHours(1)));
        scheduler.create(sameName);
        assertEquals(2, scheduler.list().stream().filter(x -> x.name().equals("job x") || x.name().equals("job y")).count());
    }

    @Test
    void anExpressionThatDoesNotParseIsAnInvalidRequestNamingTheProblem() {
        direct().load();
        GatewayException e = assertThrows(GatewayException.class,
                () -> scheduler.create(job("bad", new Schedule.Cron("0 25 * * *", ZoneId.of("UTC")))));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("0 25 * * *") && e.getMessage().contains("25"), e.getMessage());
        assertEquals(0, scheduler.size());
    }

    @Test
    void updatingTheScheduleOrEnablingWorksOutTheNextRunAgain() {
        direct().load();
        scheduler.create(job("u", every(Duration.ofHours(1))));
        Job updated = scheduler.update("u", j -> new Job(j.id(), "renamed", every(Duration.ofMinutes(10)), j.payload(),
                j.sessionTarget(), j.delivery(), j.misfire(), j.enabled(), false, j.createdAt(), j.updatedAt(),
                j.idempotencyKey(), j.state()));
        assertEquals("renamed", updated.name());
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(10))), updated.state().nextRun());
        assertEquals(Optional.empty(), scheduler.setEnabled("u", Optional.empty()).state().nextRun());
        clock.set(T0.plus(Duration.ofMinutes(25)));
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(30))), scheduler.setEnabled("u", Optional.empty()).state().nextRun());
        assertEquals(List.of("u:created", "u:updated", "u:disabled", "u:enabled"), changes);
    }

    @Test
    void deletedJobsStopAndUnknownOnesAreNotFound() {
        direct().load();
        scheduler.create(job("gone", every(Duration.ofMinutes(1))));
        scheduler.delete("gone");
        clock.set(T0.plus(Duration.ofMinutes(5)));
        scheduler.tick();
        assertEquals(List.of(), executed);
        for (var call : List.<Runnable>of(() -> scheduler.delete("gone"), () -> scheduler.trigger("gone"),
                () -> scheduler.runs("gone", 5), () -> scheduler.setEnabled("gone", Optional.empty()))) {
            assertEquals(ErrorCode.JOB_NOT_FOUND, assertThrows(GatewayException.class, call::run).code());
        }
    }

    @Test
    void theTimerWakesForAJobDueSoonerThanTheOneItSleepsFor() throws Exception {
        clock.set(Instant.now());
        CountDownLatch ran = new CountDownLatch(1);
        scheduler = CronScheduler.builder().store(store).executor((job, run) -> {
            ran.countDown();
            return Optional.empty();
        }).build().start();
        Instant now = Instant.now();
        scheduler.create(job("later", new Schedule.At(now.plus(Duration.ofHours(1)))));
        scheduler.create(job("soon", new Schedule.At(now.plusMillis(100))));
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the timer slept through the sooner job");
        assertEquals(1, scheduler.runs("soon", 5).size());
    }

    @Test
    void aJobCreatedWhileTheTimerIsHandingOutRunsIsNotSleptThrough() throws Exception {
        // The timer hands a due run to the pool and is held there; a sooner job created then
        // signals a timer that is not yet waiting. It must still run, not wait out the long sleep.
        // The runs' timeout is longer than the sleep, so no run start wakes the timer either.
        CountDownLatch handing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch soonRan = new CountDownLatch(1);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            scheduler = CronScheduler.builder().store(store).executor((job, run) -> {
                if (job.id().equals("soon")) {
                    soonRan.countDown();
                }
                return Optional.empty();
            }).defaultTimeout(Duration.ofHours(3)).pool(task -> {
                if (handing.getCount() > 0) {
                    handing.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                runner.execute(task);
            }).build().start();
            Instant now = Instant.now();
            scheduler.create(job("later", new Schedule.At(now.plus(Duration.ofHours(1)))));
            scheduler.create(job("first", new Schedule.At(now.minusSeconds(1))));
            assertTrue(handing.await(5, TimeUnit.SECONDS), "the timer never fired the due job");
            scheduler.create(job("soon", new Schedule.At(Instant.now().plusMillis(50))));
            release.countDown();
            assertTrue(soonRan.await(5, TimeUnit.SECONDS), "the timer slept through a job created while it was busy");
        } finally {
            release.countDown();
            scheduler.stop(Duration.ofSeconds(1));
            runner.shutdownNow();
        }
    }

    @Test
    void aPoolRunsSeveralJobsAtOnceUpToItsSize() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(8);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch three = new CountDownLatch(3);
        scheduler = CronScheduler.builder().store(store).clock(clock).poolSize(3).executor((job, run) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            all.countDown();
            three.countDown();
            release.await(5, TimeUnit.SECONDS);
            inFlight.decrementAndGet();
            return Optional.empty();
        }).build();
        scheduler.load();
        for (int i = 0; i < 8; i++) {
            scheduler.create(job("p" + i, every(Duration.ofMinutes(1))));
        }
        clock.set(T0.plusSeconds(60));
        scheduler.tick();
        assertTrue(three.await(5, TimeUnit.SECONDS), "three run at once");
        assertEquals(5, all.getCount(), "the other five wait for a place");
        release.countDown();
        assertTrue(all.await(5, TimeUnit.SECONDS));
        assertEquals(3, most.get());
    }
}
