package dev.portico.core;

/**
 * When a {@link FileSessionStore} forces appended messages to storage ({@code fsync}). Whatever the
 * policy, {@code append} returns only once the message is written to the operating system, so a
 * crash of the process alone never loses an acknowledged message; the policy decides what a power
 * failure or kernel crash may lose.
 */
public enum FsyncPolicy {
    /**
     * {@code append} returns only after an fsync of the message's file: nothing acknowledged is
     * lost. Appends that arrive while an fsync runs share the next one (group commit).
     */
    ALWAYS,
    /**
     * The default: {@code append} returns once the message is written to the operating system, and
     * a background thread fsyncs it within the store's fsync interval (200 ms by default; later only
     * while the previous round of fsyncs is still running); a power failure may lose the messages
     * of that last interval.
     */
    BATCHED,
    /**
     * Never fsync (not the transcripts, not the index): for tests, benchmarks and throwaway state.
     * The operating system writes the data back when it sees fit.
     */
    NEVER
}
