package dev.portico.cron;

import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;

/** Told of what the scheduler does, to publish it (the gateway turns these into events). */
public interface CronListener {

    /** Ignores everything. */
    CronListener NONE = new CronListener() {};

    /**
     * A job was created, changed, enabled, disabled or deleted.
     *
     * @param job the job as it is now (as it was, when deleted)
     * @param change {@code created}, {@code updated}, {@code enabled}, {@code disabled} or {@code deleted}
     */
    default void jobChanged(Job job, String change) {}

    /**
     * A run started.
     *
     * @param run the run, recorded as running
     */
    default void runStarted(JobRun run) {}

    /**
     * A run ended, or a due run was skipped.
     *
     * @param run the run with its outcome
     */
    default void runFinished(JobRun run) {}
}
