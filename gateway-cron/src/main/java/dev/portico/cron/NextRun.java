package dev.portico.cron;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.portico.api.cron.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule made ready to compute its runs: the cron expression parsed once, with the rules for
 * wall-clock times that daylight saving time skips or repeats.
 *
 * <p>Cron expressions are read on the wall clock of their zone:
 *
 * <ul>
 *   <li>5 fields are the UNIX form ({@code minute hour day-of-month month day-of-week}); 6 or 7
 *       fields are the Quartz form, which starts with seconds (and may end with a year);
 *       {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily},
 *       {@code @midnight} and {@code @hourly} stand for their UNIX expressions.
 *   <li>A wall-clock time that does not exist because the clocks spring forward runs once, at the
 *       first instant after the gap (02:30 in New York on 2026-03-08 runs at 03:00 EDT); several
 *       such times run once together.
 *   <li>A wall-clock time that occurs twice because the clocks fall back runs once, at its first
 *       occurrence (01:30 in New York on 2026-11-01 runs at 01:30 EDT, not again at 01:30 EST).
 * </ul>
 *
 * <p>{@link Schedule.Every} counts real time from its anchor and {@link Schedule.At} is one instant,
 * so daylight saving time does not affect them. Instances are immutable and safe to share.
 */
public final class NextRun {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    /** Enough for any expression that matches at all: a year and more of matches skipped by gaps. */
    private static final int MAX_SKIPPED = 10_000;

    private final Schedule schedule;
    private final Cron cron;
    private final ExecutionTime executionTime;

    private NextRun(Schedule schedule, Cron cron) {
        this.schedule = schedule;
        this.cron = cron;
        this.executionTime = cron == null ? null : ExecutionTime.forCron(cron);
    }

    /**
     * Prepares a schedule.
     *
     * @param schedule the schedule
     * @return the prepared schedule
     * @throws IllegalArgumentException for a cron expression that cannot be parsed, with the
     *     parser's explanation, such as {@code expr: "0 25 * * *": Failed to parse '0 25 * * *'.
     *     Value 25 not in range [0, 23]}
     */
    public static NextRun of(Schedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        return new NextRun(schedule, schedule instanceof Schedule.Cron c ? parse(c.expression()) : null);
    }

    /**
     * Parses and checks a cron expression.
     *
     * @param expression the expression
     * @return the parsed expression
     * @throws IllegalArgumentException naming the expression and what is wrong with it
     */
    static Cron parse(String expression) {
        String text = expression.strip();
        String unix = DESCRIPTORS.get(text.toLowerCase(Locale.ROOT));
        if (unix == null && text.startsWith("@")) {
            throw new IllegalArgumentException("expr: \"" + expression + "\": unknown descriptor (expected: one of "
                    + String.join(", ", new java.util.TreeSet<>(DESCRIPTORS.keySet())) + ")");
        }
        String source = unix != null ? unix : text;
        int fields = source.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> UNIX;
            case 6, 7 -> QUARTZ;
            default -> throw new IllegalArgumentException("expr: \"" + expression + "\": " + fields
                    + " fields (expected: 5, minute hour day-of-month month day-of-week; or 6-7 with seconds first)");
        };
        try {
            return parser.parse(source).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expr: \"" + expression + "\": " + e.getMessage(), e);
        }
    }

    /**
     * The schedule.
     *
     * @return the schedule
     */
    public Schedule schedule() {
        return schedule;
    }

    /**
     * The first run strictly after an instant.
     *
     * @param after the instant, usually now or the previous run
     * @return the next run, or empty when there is none (an {@code At} in the past, an expression
     *     that never matches again)
     */
    public Optional<Instant> after(Instant after) {
        Objects.requireNonNull(after, "after");
        return switch (schedule) {
            case Schedule.At at -> at.at().isAfter(after) ? Optional.of(at.at()) : Optional.empty();
            case Schedule.Every every -> Optional.of(every(every, after));
            case Schedule.Cron c -> cron(c, after);
        };
    }

    /**
     * The schedule in words, for people: {@code at 09:00}, {@code every 30 minutes},
     * {@code once at 2026-12-01T09:00:00Z}.
     *
     * @return the description
     */
    public String describe() {
        return switch (schedule) {
            case Schedule.At at -> "once at " + DateTimeFormatter.ISO_INSTANT.format(at.at());
            case Schedule.Every every -> "every " + Durations.describe(every.every());
            case Schedule.Cron c -> CronDescriptor.instance(Locale.ENGLISH).describe(cron) + " (" + c.zone() + ")";
        };
    }

    private static Instant every(Schedule.Every every, Instant after) {
        Instant anchor = every.anchor();
        if (after.isBefore(anchor)) {
            return anchor;
        }
        long periods = Duration.between(anchor, after).dividedBy(every.every()) + 1;
        return anchor.plus(every.every().multipliedBy(periods));
    }

    private Optional<Instant> cron(Schedule.Cron c, Instant after) {
        // The expression is matched against wall-clock times, written as if they were UTC so that
        // the parser sees every local time exactly once; the zone's rules then place each match.
        ZonedDateTime wall = LocalDateTime.ofInstant(after, c.zone()).atZone(ZoneOffset.UTC);
        for (int i = 0; i < MAX_SKIPPED; i++) {
            Optional<ZonedDateTime> match = executionTime.nextExecution(wall);
            if (match.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime local = match.get().toLocalDateTime();
            ZoneOffsetTransition transition = c.zone().getRules().getTransition(local);
            Instant candidate = transition != null && transition.isGap()
                    ? transition.getInstant()
                    : local.atZone(c.zone()).toInstant(); // in an overlap: the earlier offset
            if (candidate.isAfter(after)) {
                return Optional.of(candidate);
            }
            wall = match.get();
        }
        return Optional.empty();
    }
}
