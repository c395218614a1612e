package dev.portico.api.cron;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a job, as its history records it. A run is recorded {@link RunStatus#RUNNING} before
 * it starts, and again with its outcome when it ends; the later record supersedes the earlier.
 *
 * @param runId the run's id
 * @param jobId the job's id
 * @param trigger why it ran
 * @param scheduledFor the time it was due (the time it was asked for, when run by hand)
 * @param startedAt when it started (or was skipped)
 * @param status where it stands
 * @param finishedAt when it ended, once it has
 * @param error why it failed or was skipped
 * @param session the session it ran in, when it ran in one
 * @param delivery what became of its delivery, when it had one (such as {@code not_delivered: …})
 */
public record JobRun(String runId, String jobId, Trigger trigger, Instant scheduledFor, Instant startedAt,
        RunStatus status, Optional<Instant> finishedAt, Optional<String> error, Optional<String> session,
        Optional<String> delivery) {

    /** Why a run happened. */
    public enum Trigger {
        /** Its time came. */
        SCHEDULE,
        /** It was run by hand ({@code POST /api/cron/trigger}, {@code portico cron run}). */
        MANUAL,
        /** It had missed its time while the gateway was down and ran once at start-up. */
        MISFIRE;

        /** @return the name on the wire, lower case */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * Reads a wire name.
         *
         * @param text {@code schedule}, {@code manual} or {@code misfire}
         * @return the trigger
         * @throws IllegalArgumentException for anything else
         */
        public static Trigger parse(String text) {
            for (Trigger t : values()) {
                if (t.wireName().equals(text)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("trigger: \"" + text + "\" (expected: schedule, manual or misfire)");
        }
    }

    /**
     * Validates the parts.
     *
     * @param runId the run id, not blank
     * @param jobId the job id
     * @param trigger the trigger
     * @param scheduledFor when due
     * @param startedAt when started
     * @param status the status
     * @param finishedAt when finished
     * @param error the error
     * @param session the session
     * @param delivery the delivery outcome
     */
    public JobRun {
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("run_id: required");
        }
        if (!Job.isValidId(jobId)) {
            throw new IllegalArgumentException("job_id: \"" + jobId + "\" is not a job id");
        }
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(scheduledFor, "scheduledFor");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(delivery, "delivery");
    }

    /**
     * How long it took, once it has ended.
     *
     * @return the duration, or empty while it runs
     */
    public Optional<Duration> duration() {
        return finishedAt.map(f -> Duration.between(startedAt, f));
    }

    /**
     * This run ended.
     *
     * @param outcome how it ended: not {@link RunStatus#RUNNING}
     * @param at when
     * @param why the error, for an error or a skip
     * @param deliveryOutcome what became of its delivery
     * @return the ended run
     */
    public JobRun finish(RunStatus outcome, Instant at, Optional<String> why, Optional<String> deliveryOutcome) {
        if (outcome == RunStatus.RUNNING) {
            throw new IllegalArgumentException("a run finishes with ok, error or skipped");
        }
        return new JobRun(runId, jobId, trigger, scheduledFor, startedAt, outcome, Optional.of(at), why, session,
                deliveryOutcome);
    }
}
