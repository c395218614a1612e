package dev.portico.api.cron;

import java.util.Locale;

/** What happens to runs a job missed while the gateway was down. */
public enum MisfirePolicy {
    /** The missed runs are coalesced into one run at start-up. */
    RUN_ONCE,
    /** The missed runs are skipped (recorded as one {@code skipped} run); the job waits for its next time. */
    SKIP;

    /** @return the name on the wire: {@code run_once} or {@code skip} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a wire name.
     *
     * @param text {@code run_once} or {@code skip}
     * @return the policy
     * @throws IllegalArgumentException naming the expected values
     */
    public static MisfirePolicy parse(String text) {
        return switch (text) {
            case "run_once" -> RUN_ONCE;
            case "skip" -> SKIP;
            default -> throw new IllegalArgumentException("misfire: \"" + text + "\" (expected: run_once or skip)");
        };
    }
}
