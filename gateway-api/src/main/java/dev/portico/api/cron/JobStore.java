package dev.portico.api.cron;

import java.util.List;

/**
 * Where jobs and their run history are kept. The scheduler holds every job in memory and tells the
 * store of each change; the store makes them survive a restart.
 *
 * <p>Implementations are safe for concurrent use. A definition saved with {@link #save(Job)} is
 * durable when the call returns; a state saved with {@link #saveState(Job)} may be written later
 * (batched), and is durable after {@link #flush()}. Run records are the truth about runs: after a
 * crash, {@link #load()} brings each job's last-run fields up to date from its run history.
 */
public interface JobStore extends AutoCloseable {

    /**
     * Every job, with its state brought up to date from the run history.
     *
     * @return the jobs, in no particular order
     * @throws JobStoreException when the store cannot be read at all
     */
    List<Job> load();

    /**
     * Creates or replaces a job (its definition and its state), durably.
     *
     * @param job the job
     * @throws JobStoreException when it cannot be written
     */
    void save(Job job);

    /**
     * Records a job's new run state; may be written later, with others.
     *
     * @param job the job with its new state
     * @throws JobStoreException when it cannot be written
     */
    void saveState(Job job);

    /**
     * Deletes a job and its run history.
     *
     * @param jobId the id
     * @return true when it existed
     * @throws JobStoreException when it cannot be written
     */
    boolean delete(String jobId);

    /**
     * Deletes a job and its run history, where the deletion may be written later, with the states
     * {@link #saveState(Job)} holds back: for the scheduler's own deletions (an {@code at} job with
     * {@code delete_after_run}, after its run), which it makes again at start-up if a crash lost
     * them. By default, {@link #delete(String)}.
     *
     * @param jobId the id
     * @throws JobStoreException when it cannot be written
     */
    default void deleteLater(String jobId) {
        delete(jobId);
    }

    /**
     * Appends a run record. A record whose run id was recorded before supersedes it. A record for
     * a job the store does not have (deleted while it ran) is dropped.
     *
     * @param run the record
     * @throws JobStoreException when it cannot be written
     */
    void recordRun(JobRun run);

    /**
     * A job's runs, newest first, one entry per run (its latest record).
     *
     * @param jobId the id
     * @param limit the most to return, at least 1
     * @return the runs; empty for an unknown job
     */
    List<JobRun> runs(String jobId, int limit);

    /**
     * The runs whose latest record is {@link RunStatus#RUNNING}: after a crash, the runs it cut short.
     * A store may look at each job's latest run only: runs of one job never overlap, and the
     * scheduler closes a run left running before the job runs again.
     *
     * @return the runs
     */
    List<JobRun> unfinishedRuns();

    /**
     * Writes whatever {@link #saveState(Job)} has held back.
     *
     * @throws JobStoreException when it cannot be written
     */
    void flush();

    /** Flushes and releases the store. */
    @Override
    void close();
}
