package dev.portico.cron;

import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import java.util.Optional;

/**
 * Does what a job's payload asks. The scheduler calls it on one of its run threads and interrupts
 * that thread when the run overstays its timeout.
 */
@FunctionalInterface
public interface JobExecutor {

    /**
     * Runs a job once.
     *
     * @param job the job, as it was when the run started
     * @param run the run, recorded as running
     * @return what became of the job's delivery, when it has one (such as {@code delivered} or
     *     {@code not_delivered: …}); empty for a job without delivery
     * @throws InterruptedException when the run was stopped (timed out, or the gateway is stopping)
     * @throws Exception when the run failed; its message becomes the run's error
     */
    Optional<String> execute(Job job, JobRun run) throws Exception;
}
