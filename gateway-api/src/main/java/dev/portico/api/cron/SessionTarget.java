package dev.portico.api.cron;

import java.util.Locale;

/** Which session a job's runs go to. */
public enum SessionTarget {
    /** One sticky session per job, {@code cron:<jobId>}: each run sees the earlier ones. */
    MAIN,
    /** A fresh session per run, {@code cron:<jobId>:<runId>}. */
    ISOLATED;

    /** @return the name on the wire: {@code main} or {@code isolated} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a wire name.
     *
     * @param text {@code main} or {@code isolated}
     * @return the target
     * @throws IllegalArgumentException naming the expected values
     */
    public static SessionTarget parse(String text) {
        return switch (text) {
            case "main" -> MAIN;
            case "isolated" -> ISOLATED;
            default -> throw new IllegalArgumentException("session_target: \"" + text + "\" (expected: main or isolated)");
        };
    }
}
