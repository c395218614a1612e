package dev.portico.cli;

import dev.portico.api.cron.Schedule;
import dev.portico.cron.NextRun;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the {@code portico cron} commands show jobs and runs, from the JSON the cron API answers
 * (docs/api.md, "Scheduled jobs"). A field the gateway left out or sent in another shape is shown
 * as it came, or as {@code ?}: the output never fails on it.
 */
final class CronFormat {
    /** What a table shows for no value. */
    static final String NONE = "—";
    private static final int MAX_ERROR = 60;

    private CronFormat() {}

    /**
     * A schedule for the jobs table: {@code 0 9 * * * (Europe/Berlin) at 09:00},
     * {@code every 30m}, {@code once at 2026-12-01T09:00:00Z}.
     *
     * @param schedule the job's {@code schedule}
     * @return the text
     */
    static String schedule(JsonObject schedule) {
        String kind = string(schedule, "kind").orElse("?");
        return switch (kind) {
            case "cron" -> {
                String expr = string(schedule, "expr").orElse("?");
                String tz = string(schedule, "tz").orElse("?");
                String head = expr + " (" + tz + ")";
                // NextRun describes the expression and adds the zone, which the head already names.
                yield nextRun(schedule).map(NextRun::describe).map(d -> d.endsWith(" (" + tz + ")")
                        ? d.substring(0, d.length() - tz.length() - 3) : d).map(d -> head + " " + d).orElse(head);
            }
            case "every" -> "every " + string(schedule, "every").orElse("?");
            case "at" -> "once at " + string(schedule, "at").orElse("?");
            default -> kind;
        };
    }

    /**
     * A schedule in words: {@code at 09:00 (Europe/Berlin)}, {@code every 30m},
     * {@code once at 2026-12-01T09:00:00Z}.
     *
     * @param schedule the job's {@code schedule}
     * @return the text
     */
    static String describe(JsonObject schedule) {
        return nextRun(schedule).map(NextRun::describe).orElseGet(() -> schedule(schedule));
    }

    /**
     * When the job runs next: {@code in 3h 12m}, {@code now} when it is due, {@link #NONE} when
     * it will not.
     *
     * @param job the job
     * @param time what now is
     * @return the text
     */
    static String next(JsonObject job, HumanTime time) {
        return instant(job, "next_run").map(t -> time.due(t) ? "now" : time.relative(t)).orElse(NONE);
    }

    /**
     * How the job last ran: {@code ok 2m ago}, {@code error 1h ago: <error>}, {@code never}.
     *
     * @param job the job
     * @param time what now is
     * @return the text
     */
    static String last(JsonObject job, HumanTime time) {
        Optional<Instant> at = instant(job, "last_run");
        if (at.isEmpty()) {
            return "never";
        }
        String status = string(job, "last_status").orElse("started");
        return status + " " + time.relative(at.get())
                + string(job, "last_error").map(e -> ": " + truncate(e, MAX_ERROR)).orElse("");
    }

    /**
     * How long a run took, {@link #NONE} while it runs.
     *
     * @param run the run
     * @return {@code 850ms}, {@code 2.3s}, {@code 1m 5s}
     */
    static String duration(JsonObject run) {
        return run.get("duration_ms") instanceof JsonNumber n && n.isIntegral()
                ? HumanTime.duration(Duration.ofMillis(n.longValue())) : NONE;
    }

    /**
     * What went wrong in a run, or what became of its announcement.
     *
     * @param run the run
     * @return the error, else the delivery, else {@link #NONE}
     */
    static String outcome(JsonObject run) {
        Optional<String> error = string(run, "error");
        Optional<String> delivery = string(run, "delivery");
        if (error.isPresent()) {
            return truncate(error.get(), MAX_ERROR) + delivery.map(d -> " (delivery: " + truncate(d, MAX_ERROR) + ")")
                    .orElse("");
        }
        return delivery.map(d -> truncate(d, MAX_ERROR)).orElse(NONE);
    }

    /**
     * A table: the columns as wide as their widest cell, two spaces apart, the last one unpadded.
     *
     * @param header the column names
     * @param rows the rows, as many cells as the header
     * @return the lines, each ending with a line break
     */
    static String table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], width(row.get(i)));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - width(row.get(i)) + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /**
     * Text on one line, cut to at most {@code max} characters with {@code …}.
     *
     * @param text the text
     * @param max the most characters
     * @return the line
     */
    static String truncate(String text, int max) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    /**
     * A string field.
     *
     * @param o the object
     * @param name the field
     * @return its value when it is a string
     */
    static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    /**
     * A time field.
     *
     * @param o the object
     * @param name the field
     * @return its value when it is an RFC 3339 time
     */
    static Optional<Instant> instant(JsonObject o, String name) {
        return string(o, name).flatMap(text -> {
            try {
                return Optional.of(Instant.parse(text));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * An object field.
     *
     * @param o the object
     * @param name the field
     * @return its value, or an empty object when it is not one
     */
    static JsonObject object(JsonObject o, String name) {
        return o.get(name) instanceof JsonObject v ? v : JsonValue.EMPTY_JSON_OBJECT;
    }

    /** The schedule as the API wrote it, when it can be read back. */
    private static Optional<NextRun> nextRun(JsonObject schedule) {
        try {
            return Optional.of(NextRun.of(switch (string(schedule, "kind").orElse("")) {
                case "cron" -> new Schedule.Cron(string(schedule, "expr").orElseThrow(),
                        ZoneId.of(string(schedule, "tz").orElseThrow()));
                case "every" -> new Schedule.Every(Duration.ofMillis(((JsonNumber) schedule.get("every_ms")).longValue()),
                        instant(schedule, "anchor").orElseThrow());
                case "at" -> new Schedule.At(instant(schedule, "at").orElseThrow());
                default -> throw new IllegalArgumentException("unknown kind");
            }));
        } catch (RuntimeException e) {
            // Another gateway's version, or an expression this one does not read: shown as it came.
            return Optional.empty();
        }
    }

    /** Characters as a terminal lays them out, near enough: one column per code point. */
    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }
}
