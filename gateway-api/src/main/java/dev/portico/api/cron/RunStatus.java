package dev.portico.api.cron;

import java.util.Locale;

/** Where a run of a job stands. */
public enum RunStatus {
    /** Recorded before the run starts; closed with one of the others. */
    RUNNING,
    /** The run finished. */
    OK,
    /** The run failed, timed out, or was interrupted by a stop. */
    ERROR,
    /** The run was due but did not start, with the reason as its error. */
    SKIPPED;

    /** @return the name on the wire, lower case */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a wire name.
     *
     * @param text {@code running}, {@code ok}, {@code error} or {@code skipped}
     * @return the status
     * @throws IllegalArgumentException for anything else
     */
    public static RunStatus parse(String text) {
        for (RunStatus s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("status: \"" + text + "\" (expected: running, ok, error or skipped)");
    }
}
