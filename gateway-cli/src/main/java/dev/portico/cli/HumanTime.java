package dev.portico.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Times and durations as the {@code portico cron} tables show them: relative to now, in the
 * largest units that say enough.
 *
 * <ul>
 *   <li>A time to come, in its two largest units, the smaller left out when it is zero:
 *       {@code in 3h 12m}, {@code in 2d 4h}, {@code in 45s}, {@code in 5m}.
 *   <li>A time past, in its largest unit: {@code 5m ago}, {@code 1h ago}.
 *   <li>Less than a second either way: {@code just now}.
 * </ul>
 *
 * Units are {@code d}, {@code h}, {@code m} and {@code s}; what does not fill a unit is left out,
 * never rounded up.
 */
final class HumanTime {
    private static final long[] SECONDS = {86_400, 3_600, 60, 1};
    private static final String[] UNITS = {"d", "h", "m", "s"};

    private final Clock clock;

    /**
     * Times relative to a clock.
     *
     * @param clock what "now" is
     */
    HumanTime(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A time relative to now.
     *
     * @param time the time
     * @return {@code in 3h 12m}, {@code 5m ago} or {@code just now}
     */
    String relative(Instant time) {
        Duration d = Duration.between(clock.instant(), time);
        if (d.abs().compareTo(Duration.ofSeconds(1)) < 0) {
            return "just now";
        }
        return d.isNegative() ? span(d.negated(), 1) + " ago" : "in " + span(d, 2);
    }

    /**
     * Whether a time has come, or will within the second.
     *
     * @param time the time
     * @return true when it is less than a second away, or past
     */
    boolean due(Instant time) {
        return Duration.between(clock.instant(), time).compareTo(Duration.ofSeconds(1)) < 0;
    }

    /**
     * A duration in at most {@code units} units, each smaller than the one before: {@code 3h 12m}.
     *
     * @param d a duration of at least a second
     * @param units how many units at most
     * @return the text, {@code 0s} for less than a second
     */
    static String span(Duration d, int units) {
        long left = d.getSeconds();
        StringBuilder out = new StringBuilder();
        for (int i = 0, used = 0; i < SECONDS.length && used < units; i++) {
            long n = left / SECONDS[i];
            left -= n * SECONDS[i];
            if (used > 0 || n > 0) {
                // Once the largest unit is found, the next one counts even when zero: 3h, not 3h 12s.
                used++;
                if (n > 0) {
                    out.append(out.isEmpty() ? "" : " ").append(n).append(UNITS[i]);
                }
            }
        }
        return out.isEmpty() ? "0s" : out.toString();
    }

    /**
     * How long something took: {@code 850ms} under a second, {@code 2.3s} under a minute, else
     * {@code 1m 5s}.
     *
     * @param d the duration
     * @return the text
     */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms / 1000 + "." + ms % 1000 / 100 + "s";
        }
        return span(d, 2);
    }
}
