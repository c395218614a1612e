package dev.portico.api.cron;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the scheduler knows of a job's runs.
 *
 * @param nextRun when it runs next; empty when disabled or when it has no further time
 * @param lastRun when its last run started
 * @param lastStatus how its last run ended
 * @param lastError why its last run failed or was skipped
 * @param lastDurationMs how long its last run took
 * @param consecutiveErrors failed runs since the last one that succeeded
 * @param totalRuns runs started (skipped ones not counted)
 */
public record JobState(Optional<Instant> nextRun, Optional<Instant> lastRun, Optional<RunStatus> lastStatus,
        Optional<String> lastError, long lastDurationMs, int consecutiveErrors, long totalRuns) {

    /** A job that has never run and is not yet scheduled. */
    public static final JobState NEW = new JobState(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), 0, 0, 0);

    /**
     * Validates the parts.
     *
     * @param nextRun the next run
     * @param lastRun the last run
     * @param lastStatus the last status
     * @param lastError the last error
     * @param lastDurationMs the last duration, not negative
     * @param consecutiveErrors not negative
     * @param totalRuns not negative
     */
    public JobState {
        Objects.requireNonNull(nextRun, "nextRun");
        Objects.requireNonNull(lastRun, "lastRun");
        Objects.requireNonNull(lastStatus, "lastStatus");
        Objects.requireNonNull(lastError, "lastError");
        if (lastDurationMs < 0 || consecutiveErrors < 0 || totalRuns < 0) {
            throw new IllegalArgumentException("job state: negative count");
        }
    }

    /**
     * This state with another next run.
     *
     * @param next the next run, or empty for none
     * @return the new state
     */
    public JobState withNextRun(Optional<Instant> next) {
        return new JobState(next, lastRun, lastStatus, lastError, lastDurationMs, consecutiveErrors, totalRuns);
    }
}
