package dev.portico.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} does. A store's test extends this, says how to open one and how to
 * open it again over the same data; a persistent store is reopened in the middle of most tests, so
 * each of them also checks that what was stored survives a restart.
 *
 * <p>Times in the test data are whole milliseconds, as a store may keep no finer ones. A store may
 * bring a job's last-run fields up to date from its run history when it is reopened, so a test
 * that records runs either saves the matching state or compares only what that leaves alone.
 */
public abstract class JobStoreContract {
    /** A fixed point in time, in whole milliseconds. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

    /** The store under test; {@link #restart()} replaces it. */
    protected JobStore store;

    /**
     * Opens a new, empty store, keeping {@link #maxRunsPerJob()} runs per job.
     *
     * @return the store
     */
    protected abstract JobStore newStore();

    /**
     * The same store as after a restart: a persistent one is closed and opened again over the same
     * data; an in-memory one is returned as it is.
     *
     * @param store the store
     * @return the store holding the same data
     */
    protected abstract JobStore reopen(JobStore store);

    /**
     * How many runs per job the store keeps: {@link #newStore()} configures it with this.
     *
     * @return 5, small enough for the trimming tests
     */
    protected int maxRunsPerJob() {
        return 5;
    }

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Replaces {@link #store} with the store as after a restart. */
    protected void restart() {
        store = reopen(store);
    }

    // ---- test data ----------------------------------------------------------------------------

    /**
     * A time {@code seconds} after {@link #T0}.
     *
     * @param seconds the offset
     * @return the time
     */
    protected static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /**
     * A plain enabled job: every 30 minutes, a turn with the default model, no delivery, run once
     * after a misfire, never run yet.
     *
     * @param id the id
     * @return the job
     */
    protected static Job job(String id) {
        return new Job(id, "job " + id, new Schedule.Every(Duration.ofMinutes(30), T0), Payload.AgentTurn.of("hello"),
                SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, true, false, T0, T0, Optional.empty(),
                JobState.NEW);
    }

    /**
     * A job that has run: every optional state field is present.
     *
     * @return the state
     */
    protected static JobState fullState() {
        return new JobState(Optional.of(at(3600)), Optional.of(at(60)), Optional.of(RunStatus.ERROR),
                Optional.of("upstream: 502 Bad Gateway"), 1234, 2, 17);
    }

    /**
     * A run recorded as it starts.
     *
     * @param jobId the job
     * @param runId the run
     * @param startSecond when it started, in seconds after {@link #T0}
     * @return the run
     */
    protected static JobRun started(String jobId, String runId, long startSecond) {
        return new JobRun(runId, jobId, JobRun.Trigger.SCHEDULE, at(startSecond), at(startSecond), RunStatus.RUNNING,
                Optional.empty(), Optional.empty(), Optional.of("cron:" + jobId), Optional.empty());
    }

    /**
     * A run recorded as it ends, two seconds after it started.
     *
     * @param jobId the job
     * @param runId the run
     * @param startSecond when it started, in seconds after {@link #T0}
     * @param status how it ended
     * @return the run
     */
    protected static JobRun finished(String jobId, String runId, long startSecond, RunStatus status) {
        Optional<String> error = status == RunStatus.OK ? Optional.empty() : Optional.of("it went " + status.wireName());
        return started(jobId, runId, startSecond).finish(status, at(startSecond + 2), error, Optional.empty());
    }

    private Map<String, Job> loadById() {
        return store.load().stream().collect(Collectors.toMap(Job::id, Function.identity()));
    }

    private static List<String> runIds(List<JobRun> runs) {
        return runs.stream().map(JobRun::runId).toList();
    }

    // ---- jobs ---------------------------------------------------------------------------------

    @Test
    void aNewStoreIsEmpty() {
        assertEquals(List.of(), store.load());
        assertEquals(List.of(), store.unfinishedRuns());
        restart();
        assertEquals(List.of(), store.load());
    }

    @Test
    void jobsOfEveryKindComeBackEqual() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<Job> jobs = List.of(
                new Job("once", "once", new Schedule.At(at(86_400)), new Payload.SystemEvent("wake up"),
                        SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, true, true, T0, T0,
                        Optional.empty(), JobState.NEW.withNextRun(Optional.of(at(86_400)))),
                new Job("every", "every 90 minutes", new Schedule.Every(Duration.ofMinutes(90), at(-7200)),
                        new Payload.AgentTurn("check the inbox", Optional.of("openai/gpt-4o-mini"),
                                Optional.of(Duration.ofSeconds(120))),
                        SessionTarget.ISOLATED, Delivery.announce("telegram", "-100123"), MisfirePolicy.SKIP, true,
                        false, T0, at(5), Optional.of("create-7f3a"), JobState.NEW),
                new Job("cron_Berlin-9", "weekday mornings", new Schedule.Cron("0 9 * * MON-FRI", berlin),
                        Payload.AgentTurn.of("Good morning: \"summary\", please\nwith a line break ü ✓"),
                        SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, false, false, T0, at(10),
                        Optional.empty(), fullState()),
                new Job("disabled", "disabled one", new Schedule.Every(Duration.ofSeconds(1), T0),
                        new Payload.AgentTurn("ping", Optional.of("local/llama"), Optional.empty()),
                        SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.SKIP, false, false, T0, T0,
                        Optional.empty(), JobState.NEW),
                new Job("timeout-only", "timeout only", new Schedule.Every(Duration.ofHours(25), T0),
                        new Payload.AgentTurn("slow", Optional.empty(), Optional.of(Duration.ofSeconds(3600))),
                        SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, true, false, T0, T0,
                        Optional.of("key"), new JobState(Optional.empty(), Optional.of(at(1)),
                                Optional.of(RunStatus.SKIPPED), Optional.empty(), 0, 0, 0)));
        jobs.forEach(store::save);
        Map<String, Job> expected = jobs.stream().collect(Collectors.toMap(Job::id, Function.identity()));

        assertEquals(expected, loadById());
        restart();
        assertEquals(expected, loadById());
    }

    @Test
    void saveReplacesAJob() {
        store.save(job("a"));
        store.save(job("b"));
        Job renamed = new Job("a", "renamed", new Schedule.At(at(99)), new Payload.SystemEvent("now"),
                SessionTarget.ISOLATED, Delivery.announce("slack", "C42"), MisfirePolicy.SKIP, false, false, T0,
                at(7), Optional.empty(), fullState());
        store.save(renamed);

        assertEquals(Map.of("a", renamed, "b", job("b")), loadById());
        restart();
        assertEquals(Map.of("a", renamed, "b", job("b")), loadById());
    }

    @Test
    void saveStateUpdatesTheJob() {
        store.save(job("a"));
        Job ran = job("a").withState(fullState());
        store.saveState(ran);
        assertEquals(List.of(ran), store.load());

        store.flush();
        restart();
        assertEquals(List.of(ran), store.load());
    }

    @Test
    void saveStateAfterTheJobWasDeletedDoesNotBringItBack() {
        store.save(job("a"));
        store.save(job("b"));
        assertTrue(store.delete("a"));
        store.saveState(job("a").withState(fullState()));
        assertEquals(List.of(job("b")), store.load());

        store.flush();
        restart();
        assertEquals(List.of(job("b")), store.load());
    }

    @Test
    void deleteRemovesTheJobAndItsRuns() {
        store.save(job("a"));
        store.save(job("b"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));
        store.recordRun(finished("b", "r2", 0, RunStatus.OK));

        assertTrue(store.delete("a"));
        assertFalse(store.delete("a"));
        assertFalse(store.delete("never-there"));
        assertEquals(List.of(job("b")), store.load());
        assertEquals(List.of(), store.runs("a", 10));

        restart();
        // Only ids: a store may bring b's last run up to date from its history on the way.
        assertEquals(List.of("b"), store.load().stream().map(Job::id).toList());
        assertEquals(List.of(), store.runs("a", 10));
        assertEquals(List.of("r2"), runIds(store.runs("b", 10)));
        assertFalse(store.delete("a"));
    }

    @Test
    void aDeleteLaterIsGoneAtOnceAndAfterAFlushAndRestart() {
        store.save(job("a"));
        store.save(job("b"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));

        store.deleteLater("a");
        store.deleteLater("never-there");
        assertEquals(List.of("b"), store.load().stream().map(Job::id).toList());
        assertEquals(List.of(), store.runs("a", 10));
        store.recordRun(finished("a", "r2", 1, RunStatus.OK));
        assertEquals(List.of(), store.runs("a", 10), "a record for the deleted job is dropped");

        store.flush();
        restart();
        assertEquals(List.of("b"), store.load().stream().map(Job::id).toList());
        assertEquals(List.of(), store.runs("a", 10));
    }

    @Test
    void aJobSavedAgainAfterItsDeleteStartsWithoutRuns() {
        store.save(job("a"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));
        assertTrue(store.delete("a"));
        store.save(job("a"));

        assertEquals(List.of(), store.runs("a", 10));
        restart();
        assertEquals(List.of(job("a")), store.load());
        assertEquals(List.of(), store.runs("a", 10));
    }

    // ---- runs ---------------------------------------------------------------------------------

    @Test
    void aLaterRecordOfARunSupersedesTheEarlierOne() {
        store.save(job("a"));
        JobRun start = started("a", "r1", 0);
        JobRun end = start.finish(RunStatus.ERROR, at(3), Optional.of("timed out"), Optional.of("not_delivered: x"));
        store.recordRun(start);
        store.recordRun(end);

        assertEquals(List.of(end), store.runs("a", 10));
        restart();
        assertEquals(List.of(end), store.runs("a", 10));
    }

    @Test
    void runsAreNewestFirstAndLimited() {
        store.save(job("a"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));
        store.recordRun(started("a", "r2", 10));
        store.recordRun(finished("a", "r2", 10, RunStatus.ERROR));
        store.recordRun(finished("a", "r3", 20, RunStatus.SKIPPED));
        store.recordRun(started("a", "r4", 30));

        assertEquals(List.of("r4", "r3", "r2", "r1"), runIds(store.runs("a", 10)));
        assertEquals(List.of("r4", "r3"), runIds(store.runs("a", 2)));
        assertEquals(List.of("r4"), runIds(store.runs("a", 1)));
        assertEquals(List.of(started("a", "r4", 30), finished("a", "r3", 20, RunStatus.SKIPPED),
                finished("a", "r2", 10, RunStatus.ERROR), finished("a", "r1", 0, RunStatus.OK)), store.runs("a", 4));

        restart();
        assertEquals(List.of("r4", "r3", "r2", "r1"), runIds(store.runs("a", 10)));
        assertEquals(List.of("r4", "r3"), runIds(store.runs("a", 2)));
    }

    @Test
    void aRunRecordedAgainMovesToTheFront() {
        // Order is that of each run's latest record: a run closed after a later one started is newer.
        store.save(job("a"));
        store.recordRun(started("a", "r1", 0));
        store.recordRun(finished("a", "r2", 10, RunStatus.OK));
        store.recordRun(finished("a", "r1", 0, RunStatus.ERROR));

        assertEquals(List.of("r1", "r2"), runIds(store.runs("a", 10)));
        restart();
        assertEquals(List.of("r1", "r2"), runIds(store.runs("a", 10)));
    }

    @Test
    void onlyTheLastRunsOfAJobAreKept() {
        int max = maxRunsPerJob();
        store.save(job("a"));
        store.save(job("b"));
        for (int i = 0; i < 3 * max + 1; i++) {
            store.recordRun(started("a", "r" + i, i * 10L));
            store.recordRun(finished("a", "r" + i, i * 10L, RunStatus.OK));
        }
        store.recordRun(finished("b", "only", 0, RunStatus.OK));
        List<String> expected = IntStream.range(0, max).mapToObj(i -> "r" + (3 * max - i)).toList();

        assertEquals(expected, runIds(store.runs("a", 1000)));
        assertEquals(List.of("only"), runIds(store.runs("b", 1000)));
        restart();
        assertEquals(expected, runIds(store.runs("a", 1000)));
        assertEquals(List.of("only"), runIds(store.runs("b", 1000)));
    }

    @Test
    void aRecordOfAJobNotStoredIsDropped() {
        // Deleted while it ran: its last record must not bring back a history.
        store.save(job("a"));
        store.recordRun(started("a", "r1", 0));
        assertTrue(store.delete("a"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));
        store.recordRun(finished("never-saved", "r2", 0, RunStatus.OK));

        assertEquals(List.of(), store.runs("a", 10));
        assertEquals(List.of(), store.runs("never-saved", 10));
        assertEquals(List.of(), store.unfinishedRuns());
        store.save(job("a"));
        assertEquals(List.of(), store.runs("a", 10));
        restart();
        assertEquals(List.of(), store.runs("a", 10));
        assertEquals(List.of(), store.runs("never-saved", 10));
    }

    @Test
    void aJobWithoutRunsAndAnUnknownJobHaveNone() {
        store.save(job("a"));
        assertEquals(List.of(), store.runs("a", 10));
        assertEquals(List.of(), store.runs("unknown", 10));
        restart();
        assertEquals(List.of(), store.runs("a", 10));
        assertEquals(List.of(), store.runs("unknown", 10));
    }

    @Test
    void unfinishedRunsAreThoseWhoseLatestRecordIsRunning() {
        store.save(job("a"));
        store.save(job("b"));
        store.save(job("c"));
        store.recordRun(started("a", "a1", 0));
        store.recordRun(finished("a", "a1", 0, RunStatus.OK));
        store.recordRun(started("a", "a2", 10));
        store.recordRun(started("b", "b1", 0));
        store.recordRun(finished("b", "b1", 0, RunStatus.ERROR));
        store.recordRun(finished("c", "c1", 0, RunStatus.SKIPPED));
        Comparator<JobRun> byRunId = Comparator.comparing(JobRun::runId);

        assertEquals(List.of(started("a", "a2", 10)), store.unfinishedRuns());
        restart();
        assertEquals(List.of(started("a", "a2", 10)), store.unfinishedRuns());

        store.recordRun(started("b", "b2", 20));
        List<JobRun> unfinished = store.unfinishedRuns().stream().sorted(byRunId).toList();
        assertEquals(List.of(started("a", "a2", 10), started("b", "b2", 20)), unfinished);

        store.recordRun(finished("a", "a2", 10, RunStatus.ERROR));
        assertEquals(List.of(started("b", "b2", 20)), store.unfinishedRuns());
        restart();
        assertEquals(List.of(started("b", "b2", 20)), store.unfinishedRuns());
    }

    @Test
    void everythingSurvivesARestart() {
        Job a = job("a");
        Job b = new Job("b", "at noon", new Schedule.At(at(7200)), new Payload.SystemEvent("noon"),
                SessionTarget.ISOLATED, Delivery.announce("telegram", "42"), MisfirePolicy.SKIP, true, true, T0, T0,
                Optional.of("idem"), JobState.NEW.withNextRun(Optional.of(at(7200))));
        store.save(a);
        store.save(b);
        store.recordRun(finished("a", "a1", 0, RunStatus.OK));
        store.recordRun(started("a", "a2", 100));
        store.recordRun(finished("b", "b1", 0, RunStatus.ERROR));
        Job aRunning = a.withState(new JobState(Optional.of(at(1900)), Optional.of(at(100)), Optional.of(RunStatus.OK),
                Optional.empty(), 2000, 0, 2));
        Job bFailed = b.withState(new JobState(Optional.empty(), Optional.of(at(0)), Optional.of(RunStatus.ERROR),
                Optional.of("it went error"), 2000, 1, 1));
        store.saveState(aRunning);
        store.saveState(bFailed);
        store.flush();

        restart();
        assertEquals(Map.of("a", aRunning, "b", bFailed), loadById());
        assertEquals(List.of(started("a", "a2", 100), finished("a", "a1", 0, RunStatus.OK)), store.runs("a", 10));
        assertEquals(List.of(finished("b", "b1", 0, RunStatus.ERROR)), store.runs("b", 10));
        assertEquals(List.of(started("a", "a2", 100)), store.unfinishedRuns());
    }

    @Test
    void theLastRunOfAJobBringsItsStateUpToDate() {
        // The state is saved lazily; run records are the truth about runs. A store that never
        // loses a state (the in-memory one) has nothing to bring up to date.
        store.save(job("a"));
        JobRun run = finished("a", "r1", 50, RunStatus.ERROR);
        store.recordRun(started("a", "r1", 50));
        store.recordRun(run);
        store.saveState(job("a").withState(new JobState(Optional.empty(), Optional.of(at(50)),
                Optional.of(RunStatus.ERROR), run.error(), 2000, 1, 1)));
        store.flush();

        restart();
        JobState state = store.load().getFirst().state();
        assertEquals(Optional.of(at(50)), state.lastRun());
        assertEquals(Optional.of(RunStatus.ERROR), state.lastStatus());
        assertEquals(Optional.of("it went error"), state.lastError());
        assertEquals(2000, state.lastDurationMs());
    }

    @Test
    void theLatestRunOfEachJobIsUnfinishedWhileItsLatestRecordIsRunning() {
        // Runs of one job never overlap: a run a crash cut short is the job's latest.
        store.save(job("a"));
        store.save(job("b"));
        store.recordRun(finished("a", "r1", 0, RunStatus.OK));
        store.recordRun(started("a", "r2", 10));
        store.recordRun(started("b", "r3", 20));
        store.recordRun(finished("b", "r3", 20, RunStatus.ERROR));

        assertEquals(List.of(started("a", "r2", 10)), store.unfinishedRuns());
        restart();
        assertEquals(List.of(started("a", "r2", 10)), store.unfinishedRuns());
    }
}
