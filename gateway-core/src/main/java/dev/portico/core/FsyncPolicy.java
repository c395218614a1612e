package dev.portico.core;

/**
 * When a {@link FileSessionStore} forces appended messages to storage ({@code fsync}). Whatever the
 * policy, {@code append} returns only once the message is written to the operating system, so a
 * crash of the process alone never loses an acknowledged message; the policy decides what a power
 * failure or kernel crash may lose.
 */
public enum FsyncPolicy {
    /**
     * {@code append} returns only after the batch that carries the message is fsynced: nothing
     * acknowledged is lost. Concurrent appends share each fsync (group commit).
     */
    ALWAYS,
    /**
     * The default: {@code append} returns once the message is written to the operating system, and
     * an fsync follows within the store's fsync interval (50 ms by default; later only while the
     * previous round of fsyncs is still running); a power failure may lose the messages of that
     * last interval.
     */
    BATCHED,
    /**
     * Never fsync (not the transcripts, not the index): for tests, benchmarks and throwaway state.
     * The operating system writes the data back when it sees fit.
     */
    NEVER
}
