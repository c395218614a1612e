package dev.portico.cron;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Intervals as people write them: {@code 30s}, {@code 15m}, {@code 1h30m}, {@code 2d}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})([dhms])");

    private Durations() {}

    /**
     * Reads an interval written as whole days, hours, minutes and seconds, largest first, such as
     * {@code 1h30m}.
     *
     * @param text the interval
     * @return the duration
     * @throws IllegalArgumentException naming the text when it is not such an interval
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        String order = "dhms";
        int last = -1;
        while (m.find() && m.start() == end) {
            int unit = order.indexOf(m.group(2).charAt(0));
            if (unit <= last) {
                break;
            }
            last = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (s.isEmpty() || end != s.length()) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: an interval such as 30s, 15m, 1h30m or 2d)");
        }
        return total;
    }

    /**
     * Writes a duration for people, in the units {@link #parse} reads: {@code 1h30m},
     * {@code 45s}; the part below a second is left out.
     *
     * @param duration the duration
     * @return the text, {@code 0s} for less than a second
     */
    public static String describe(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long seconds = duration.getSeconds();
        if (seconds <= 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String units = "dhms";
        for (int i = 0; i < sizes.length; i++) {
            long n = seconds / sizes[i];
            if (n > 0) {
                out.append(n).append(units.charAt(i));
                seconds -= n * sizes[i];
            }
        }
        return out.toString();
    }
}
