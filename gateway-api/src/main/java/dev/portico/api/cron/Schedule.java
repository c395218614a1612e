package dev.portico.api.cron;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a scheduled job runs: once at an instant, at a fixed interval, or by a cron expression in a
 * time zone.
 */
public sealed interface Schedule permits Schedule.At, Schedule.Every, Schedule.Cron {

    /**
     * Once, at an instant.
     *
     * @param at when
     */
    record At(Instant at) implements Schedule {
        /**
         * Validates the instant.
         *
         * @param at when
         */
        public At {
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * At a fixed interval from an anchor: {@code anchor}, {@code anchor + every}, … Wall-clock
     * changes such as daylight saving time do not move it.
     *
     * @param every the interval, at least one second
     * @param anchor the instant the intervals count from
     */
    record Every(Duration every, Instant anchor) implements Schedule {
        /** The shortest interval. */
        public static final Duration MIN = Duration.ofSeconds(1);

        /**
         * Validates the interval.
         *
         * @param every the interval
         * @param anchor the anchor
         */
        public Every {
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(anchor, "anchor");
            if (every.compareTo(MIN) < 0) {
                throw new IllegalArgumentException("every: " + every + " (expected: at least 1 second)");
            }
        }
    }

    /**
     * By a cron expression read in a time zone: the 5-field UNIX form ({@code 0 9 * * *}), the 6- or
     * 7-field Quartz form with seconds ({@code 0 0 9 ? * MON-FRI}), or a descriptor such as
     * {@code @daily}. The expression is checked where it is parsed, not here.
     *
     * @param expression the expression, not blank
     * @param zone the zone whose wall clock the expression reads
     */
    record Cron(String expression, ZoneId zone) implements Schedule {
        /**
         * Validates the parts.
         *
         * @param expression the expression
         * @param zone the zone
         */
        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(zone, "zone");
            expression = expression.strip();
            if (expression.isEmpty()) {
                throw new IllegalArgumentException("expr: required (expected: a cron expression such as \"0 9 * * *\")");
            }
        }
    }
}
