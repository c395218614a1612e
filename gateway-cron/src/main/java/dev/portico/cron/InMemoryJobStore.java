package dev.portico.cron;

import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobStore;
import dev.portico.api.cron.RunStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} in memory: for tests and for gateways whose jobs are set up in code at each
 * start. Keeps the last {@code maxRunsPerJob} runs of each job.
 */
public final class InMemoryJobStore implements JobStore {
    /** How many runs per job are kept by default. */
    public static final int DEFAULT_MAX_RUNS = 500;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Deque<JobRun>> runs = new ConcurrentHashMap<>();
    private final int maxRunsPerJob;

    /** A store keeping {@value #DEFAULT_MAX_RUNS} runs per job. */
    public InMemoryJobStore() {
        this(DEFAULT_MAX_RUNS);
    }

    /**
     * A store keeping a given number of runs per job.
     *
     * @param maxRunsPerJob at least 1
     */
    public InMemoryJobStore(int maxRunsPerJob) {
        if (maxRunsPerJob < 1) {
            throw new IllegalArgumentException("maxRunsPerJob: " + maxRunsPerJob + " (expected: at least 1)");
        }
        this.maxRunsPerJob = maxRunsPerJob;
    }

    @Override
    public List<Job> load() {
        return List.copyOf(jobs.values());
    }

    @Override
    public void save(Job job) {
        jobs.put(job.id(), job);
    }

    @Override
    public void saveState(Job job) {
        // A state for a job deleted meanwhile is dropped rather than bringing the job back.
        jobs.computeIfPresent(job.id(), (id, old) -> job);
    }

    @Override
    public boolean delete(String jobId) {
        runs.remove(jobId);
        return jobs.remove(jobId) != null;
    }

    @Override
    public void recordRun(JobRun run) {
        if (!jobs.containsKey(run.jobId())) {
            return;
        }
        Deque<JobRun> history = runs.computeIfAbsent(run.jobId(), id -> new ArrayDeque<>());
        synchronized (history) {
            for (Iterator<JobRun> it = history.descendingIterator(); it.hasNext();) {
                if (it.next().runId().equals(run.runId())) {
                    it.remove();
                    break;
                }
            }
            history.addLast(run);
            while (history.size() > maxRunsPerJob) {
                history.removeFirst();
            }
        }
    }

    @Override
    public List<JobRun> runs(String jobId, int limit) {
        Deque<JobRun> history = runs.get(jobId);
        if (history == null) {
            return List.of();
        }
        List<JobRun> out = new ArrayList<>(Math.min(limit, maxRunsPerJob));
        synchronized (history) {
            for (Iterator<JobRun> it = history.descendingIterator(); it.hasNext() && out.size() < limit;) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Override
    public List<JobRun> unfinishedRuns() {
        List<JobRun> out = new ArrayList<>();
        for (Deque<JobRun> history : runs.values()) {
            synchronized (history) {
                for (JobRun r : history) {
                    if (r.status() == RunStatus.RUNNING) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void flush() {
        // Nothing is held back.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
