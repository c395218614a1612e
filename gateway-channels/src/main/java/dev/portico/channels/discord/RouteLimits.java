package dev.portico.channels.discord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Discord's rate-limit buckets as its answers announce them: when an answer says a route has no
 * request left ({@code X-RateLimit-Remaining: 0}) until {@code X-RateLimit-Reset-After} seconds
 * from now, a send to that route before then is not made.
 */
final class RouteLimits {
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET_AFTER = "X-RateLimit-Reset-After";
    private static final BigDecimal ONE_DAY = BigDecimal.valueOf(86_400);

    /** The instant before which each exhausted route takes no request. */
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();

    /**
     * How long a route must still wait.
     *
     * @param route the route
     * @param now the time now
     * @return the wait, or empty when the route may be sent to now
     */
    Optional<Duration> wait(String route, Instant now) {
        Instant until = notBefore.get(route);
        if (until == null) {
            return Optional.empty();
        }
        if (!until.isAfter(now)) {
            notBefore.remove(route, until);
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, until));
    }

    /**
     * Takes note of what an answer says of its route's bucket.
     *
     * @param route the route
     * @param headers the answer's headers
     * @param now the time the answer came
     */
    void record(String route, HttpHeaders headers, Instant now) {
        Optional<String> remaining = headers.firstValue(REMAINING).map(String::trim);
        OptionalLong resetAfter = millis(headers.firstValue(RESET_AFTER));
        notBefore.values().removeIf(until -> !until.isAfter(now));
        if (remaining.isPresent() && remaining.get().equals("0") && resetAfter.isPresent()
                && resetAfter.getAsLong() > 0) {
            notBefore.put(route, now.plusMillis(resetAfter.getAsLong()));
        }
    }

    /** Seconds, possibly fractional, as whole milliseconds rounded up; empty when malformed. */
    private static OptionalLong millis(Optional<String> seconds) {
        if (seconds.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            BigDecimal s = new BigDecimal(seconds.get().trim());
            if (s.signum() < 0 || s.compareTo(ONE_DAY) > 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(s.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
