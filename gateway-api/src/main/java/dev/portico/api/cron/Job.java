package dev.portico.api.cron;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduled job: what it does, when, where its reply goes, and what is known of its runs.
 *
 * @param id the id: 1-64 of {@code A-Z a-z 0-9 _ -}, safe in a file name and a session key
 * @param name a name for people, not blank; several jobs may share one
 * @param schedule when it runs
 * @param payload what it does
 * @param sessionTarget which session its runs go to
 * @param delivery where its reply goes besides the session
 * @param misfire what happens to runs missed while the gateway was down
 * @param enabled whether it runs on its schedule (a disabled job can still be run by hand)
 * @param deleteAfterRun for an {@code at} job: delete it after it has run successfully
 * @param createdAt when it was created
 * @param updatedAt when its definition last changed
 * @param idempotencyKey the {@code Idempotency-Key} it was created with, so a retried create finds it
 * @param state what is known of its runs
 */
public record Job(String id, String name, Schedule schedule, Payload payload, SessionTarget sessionTarget,
        Delivery delivery, MisfirePolicy misfire, boolean enabled, boolean deleteAfterRun, Instant createdAt,
        Instant updatedAt, Optional<String> idempotencyKey, JobState state) {

    /** The longest id. */
    public static final int MAX_ID_LENGTH = 64;
    /** The longest name. */
    public static final int MAX_NAME_LENGTH = 200;

    /**
     * Validates the parts.
     *
     * @param id the id
     * @param name the name
     * @param schedule the schedule
     * @param payload the payload
     * @param sessionTarget the session target
     * @param delivery the delivery
     * @param misfire the misfire policy
     * @param enabled whether enabled
     * @param deleteAfterRun whether deleted after its run
     * @param createdAt when created
     * @param updatedAt when updated
     * @param idempotencyKey the idempotency key
     * @param state the run state
     */
    public Job {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("id: " + (id == null ? "missing" : "\"" + id + "\"")
                    + " (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: required (expected: non-blank text)");
        }
        name = name.strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name: " + name.length() + " characters (expected: at most " + MAX_NAME_LENGTH + ")");
        }
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sessionTarget, "sessionTarget");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(misfire, "misfire");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Whether a text is a valid job id.
     *
     * @param id the text
     * @return true for 1-64 of {@code A-Z a-z 0-9 _ -}
     */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * This job with another run state.
     *
     * @param newState the state
     * @return the job
     */
    public Job withState(JobState newState) {
        return new Job(id, name, schedule, payload, sessionTarget, delivery, misfire, enabled, deleteAfterRun,
                createdAt, updatedAt, idempotencyKey, newState);
    }

    /**
     * This job enabled or disabled.
     *
     * @param on whether enabled
     * @param at when it changed
     * @return the job
     */
    public Job withEnabled(boolean on, Instant at) {
        return new Job(id, name, schedule, payload, sessionTarget, delivery, misfire, on, deleteAfterRun,
                createdAt, at, idempotencyKey, state);
    }
}
