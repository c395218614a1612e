package dev.portico.core.internal;

import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Schedule;
import dev.portico.api.cron.SessionTarget;
import dev.portico.cron.Durations;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one JSON shape of a job and of a run, as the job store keeps them and the API shows them.
 *
 * <p>A job:
 * <pre>{@code
 * {"id":"morning","name":"Morning brief",
 *  "schedule":{"kind":"cron","expr":"0 9 * * *","tz":"Europe/Berlin"},
 *  "payload":{"kind":"agentTurn","message":"Summarize my inbox","model":"openai/gpt-4o","timeout_seconds":120},
 *  "session_target":"main","delivery":{"mode":"announce","channel":"telegram","to":"42"},
 *  "misfire":"run_once","enabled":true,"delete_after_run":false,
 *  "created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:00:00Z",
 *  "next_run":"2026-03-02T08:00:00Z","last_run":null,"last_status":null,"last_error":null,
 *  "last_duration_ms":0,"consecutive_errors":0,"total_runs":0}
 * }</pre>
 * The other schedules are {@code {"kind":"at","at":"<time>"}} and
 * {@code {"kind":"every","every":"30m","every_ms":1800000,"anchor":"<time>"}} ({@code every_ms}
 * is the interval, {@code every} the same for people); the other payload is
 * {@code {"kind":"systemEvent","message":"<text>"}}; a job delivered nowhere has
 * {@code "delivery":{"mode":"none"}}. A turn's {@code model} and {@code timeout_seconds} are left
 * out when it has none (a timeout is written in whole seconds, rounded up); {@code idempotency_key}
 * is written only when asked for and present. Every
 * other key is always there, {@code null} when it has no value. Times are RFC 3339 in UTC, as
 * {@link Instant#toString()} writes them.
 *
 * <p>A run:
 * <pre>{@code
 * {"run_id":"r-1","job_id":"morning","trigger":"schedule","scheduled_for":"…","started_at":"…",
 *  "status":"ok","finished_at":"…","duration_ms":2000,"error":null,"session":"cron:morning","delivery":null}
 * }</pre>
 * with {@code trigger} {@code schedule}, {@code manual} or {@code misfire}, {@code status}
 * {@code running}, {@code ok}, {@code error} or {@code skipped}, and {@code finished_at} and
 * {@code duration_ms} {@code null} while it runs.
 *
 * <p>Reading is strict: it takes what writing gives (keys it does not know are ignored) and throws
 * {@link IllegalArgumentException} naming the field ({@code schedule.tz: …}) for anything missing,
 * malformed or of the wrong type.
 */
public final class CronJson {
    private static final JsonBuilderFactory BUILDERS = JsonProvider.provider().createBuilderFactory(Map.of());
    private static final String TIME = "an RFC 3339 time such as 2026-01-02T03:04:05Z";

    private CronJson() {}

    // ---- writing ------------------------------------------------------------------------------

    /**
     * A job as JSON.
     *
     * @param job the job
     * @param withIdempotencyKey whether to include its {@code idempotency_key} (when it has one)
     * @return the object
     */
    public static JsonObject job(Job job, boolean withIdempotencyKey) {
        JobState state = job.state();
        JsonObjectBuilder b = BUILDERS.createObjectBuilder()
                .add("id", job.id())
                .add("name", job.name())
                .add("schedule", schedule(job.schedule()))
                .add("payload", payload(job.payload()))
                .add("session_target", job.sessionTarget().wireName())
                .add("delivery", delivery(job.delivery()))
                .add("misfire", job.misfire().wireName())
                .add("enabled", job.enabled())
                .add("delete_after_run", job.deleteAfterRun())
                .add("created_at", job.createdAt().toString())
                .add("updated_at", job.updatedAt().toString());
        addNullable(b, "next_run", state.nextRun().map(Instant::toString));
        addNullable(b, "last_run", state.lastRun().map(Instant::toString));
        addNullable(b, "last_status", state.lastStatus().map(RunStatus::wireName));
        addNullable(b, "last_error", state.lastError());
        b.add("last_duration_ms", state.lastDurationMs())
                .add("consecutive_errors", state.consecutiveErrors())
                .add("total_runs", state.totalRuns());
        if (withIdempotencyKey) {
            job.idempotencyKey().ifPresent(k -> b.add("idempotency_key", k));
        }
        return b.build();
    }

    /**
     * A run as JSON.
     *
     * @param run the run
     * @return the object
     */
    public static JsonObject run(JobRun run) {
        JsonObjectBuilder b = BUILDERS.createObjectBuilder()
                .add("run_id", run.runId())
                .add("job_id", run.jobId())
                .add("trigger", run.trigger().wireName())
                .add("scheduled_for", run.scheduledFor().toString())
                .add("started_at", run.startedAt().toString())
                .add("status", run.status().wireName());
        addNullable(b, "finished_at", run.finishedAt().map(Instant::toString));
        if (run.duration().isPresent()) {
            b.add("duration_ms", run.duration().get().toMillis());
        } else {
            b.addNull("duration_ms");
        }
        addNullable(b, "error", run.error());
        addNullable(b, "session", run.session());
        addNullable(b, "delivery", run.delivery());
        return b.build();
    }

    private static JsonObject schedule(Schedule schedule) {
        JsonObjectBuilder b = BUILDERS.createObjectBuilder();
        switch (schedule) {
            case Schedule.At at -> b.add("kind", "at").add("at", at.at().toString());
            case Schedule.Every every -> b.add("kind", "every")
                    .add("every", Durations.describe(every.every()))
                    .add("every_ms", every.every().toMillis())
                    .add("anchor", every.anchor().toString());
            case Schedule.Cron cron -> b.add("kind", "cron").add("expr", cron.expression()).add("tz", cron.zone().getId());
        }
        return b.build();
    }

    private static JsonObject payload(Payload payload) {
        JsonObjectBuilder b = BUILDERS.createObjectBuilder();
        switch (payload) {
            case Payload.AgentTurn turn -> {
                b.add("kind", "agentTurn").add("message", turn.message());
                turn.model().ifPresent(m -> b.add("model", m));
                // Whole seconds, rounded up: a timeout is never written as 0.
                turn.timeout().ifPresent(t -> b.add("timeout_seconds", t.toSeconds() + (t.toNanosPart() > 0 ? 1 : 0)));
            }
            case Payload.SystemEvent event -> b.add("kind", "systemEvent").add("message", event.text());
        }
        return b.build();
    }

    private static JsonObject delivery(Delivery delivery) {
        return switch (delivery.mode()) {
            case NONE -> BUILDERS.createObjectBuilder().add("mode", "none").build();
            case ANNOUNCE -> BUILDERS.createObjectBuilder()
                    .add("mode", "announce")
                    .add("channel", delivery.channel().orElseThrow())
                    .add("to", delivery.to().orElseThrow())
                    .build();
        };
    }

    private static void addNullable(JsonObjectBuilder b, String name, Optional<String> value) {
        if (value.isPresent()) {
            b.add(name, value.get());
        } else {
            b.addNull(name);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads a job written by {@link #job(Job, boolean)}; {@code idempotency_key} may be absent.
     *
     * @param o the object
     * @return the job
     * @throws IllegalArgumentException naming the field that is missing, malformed or of the wrong type
     */
    public static Job readJob(JsonObject o) {
        Objects.requireNonNull(o, "o");
        String id = string(o, "id", "id");
        if (!Job.isValidId(id)) {
            throw new IllegalArgumentException("id: \"" + id + "\" (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
        String name = string(o, "name", "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: non-blank text)");
        }
        Schedule schedule = readSchedule(object(o, "schedule", "schedule"));
        Payload payload = readPayload(object(o, "payload", "payload"));
        SessionTarget target = parse(SessionTarget::parse, string(o, "session_target", "session_target"), "session_target");
        Delivery delivery = readDelivery(object(o, "delivery", "delivery"));
        MisfirePolicy misfire = parse(MisfirePolicy::parse, string(o, "misfire", "misfire"), "misfire");
        boolean enabled = bool(o, "enabled");
        boolean deleteAfterRun = bool(o, "delete_after_run");
        Instant createdAt = instant(o, "created_at", "created_at");
        Instant updatedAt = instant(o, "updated_at", "updated_at");
        Optional<Instant> nextRun = nullableInstant(o, "next_run");
        Optional<Instant> lastRun = nullableInstant(o, "last_run");
        Optional<RunStatus> lastStatus = nullableString(o, "last_status", "last_status")
                .map(s -> parse(RunStatus::parse, s, "last_status"));
        Optional<String> lastError = nullableString(o, "last_error", "last_error");
        long lastDurationMs = count(o, "last_duration_ms");
        long consecutiveErrors = count(o, "consecutive_errors");
        if (consecutiveErrors > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("consecutive_errors: " + consecutiveErrors + " (expected: at most "
                    + Integer.MAX_VALUE + ")");
        }
        long totalRuns = count(o, "total_runs");
        Optional<String> idempotencyKey = o.containsKey("idempotency_key")
                ? nullableString(o, "idempotency_key", "idempotency_key")
                : Optional.empty();
        JobState state = new JobState(nextRun, lastRun, lastStatus, lastError, lastDurationMs, (int) consecutiveErrors,
                totalRuns);
        return new Job(id, name, schedule, payload, target, delivery, misfire, enabled, deleteAfterRun, createdAt,
                updatedAt, idempotencyKey, state);
    }

    /**
     * Reads a run written by {@link #run(JobRun)}. Its {@code duration_ms} is checked for its type
     * but not read: it follows from the times.
     *
     * @param o the object
     * @return the run
     * @throws IllegalArgumentException naming the field that is missing, malformed or of the wrong type
     */
    public static JobRun readRun(JsonObject o) {
        Objects.requireNonNull(o, "o");
        String runId = string(o, "run_id", "run_id");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("run_id: blank (expected: non-blank text)");
        }
        String jobId = string(o, "job_id", "job_id");
        if (!Job.isValidId(jobId)) {
            throw new IllegalArgumentException("job_id: \"" + jobId + "\" (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
        JobRun.Trigger trigger = parse(JobRun.Trigger::parse, string(o, "trigger", "trigger"), "trigger");
        Instant scheduledFor = instant(o, "scheduled_for", "scheduled_for");
        Instant startedAt = instant(o, "started_at", "started_at");
        RunStatus status = parse(RunStatus::parse, string(o, "status", "status"), "status");
        Optional<Instant> finishedAt = nullableInstant(o, "finished_at");
        JsonValue duration = require(o, "duration_ms", "duration_ms");
        if (duration.getValueType() != JsonValue.ValueType.NULL
                && !(duration instanceof JsonNumber n && n.isIntegral())) {
            throw wrongType("duration_ms", duration, "a whole number of milliseconds or null");
        }
        Optional<String> error = nullableString(o, "error", "error");
        Optional<String> session = nullableString(o, "session", "session");
        Optional<String> delivery = nullableString(o, "delivery", "delivery");
        return new JobRun(runId, jobId, trigger, scheduledFor, startedAt, status, finishedAt, error, session, delivery);
    }

    private static Schedule readSchedule(JsonObject o) {
        String kind = string(o, "kind", "schedule.kind");
        return switch (kind) {
            case "at" -> new Schedule.At(instant(o, "at", "schedule.at"));
            case "every" -> {
                String text = string(o, "every", "schedule.every");
                long ms = count(o, "every_ms", "schedule.every_ms");
                Duration every = Duration.ofMillis(ms);
                if (every.compareTo(Schedule.Every.MIN) < 0) {
                    throw new IllegalArgumentException("schedule.every_ms: " + ms + " (expected: at least 1000)");
                }
                if (!text.equals(Durations.describe(every))) {
                    throw new IllegalArgumentException("schedule.every: \"" + text + "\" does not match schedule.every_ms "
                            + ms + " (expected: \"" + Durations.describe(every) + "\")");
                }
                yield new Schedule.Every(every, instant(o, "anchor", "schedule.anchor"));
            }
            case "cron" -> {
                String expr = string(o, "expr", "schedule.expr");
                if (expr.isBlank()) {
                    throw new IllegalArgumentException("schedule.expr: blank (expected: a cron expression such as \"0 9 * * *\")");
                }
                String tz = string(o, "tz", "schedule.tz");
                ZoneId zone;
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException("schedule.tz: \"" + tz + "\" (expected: a time zone such as Europe/Berlin)", e);
                }
                yield new Schedule.Cron(expr, zone);
            }
            default -> throw new IllegalArgumentException("schedule.kind: \"" + kind + "\" (expected: at, every or cron)");
        };
    }

    private static Payload readPayload(JsonObject o) {
        String kind = string(o, "kind", "payload.kind");
        String message = string(o, "message", "payload.message");
        if (message.isBlank()) {
            throw new IllegalArgumentException("payload.message: blank (expected: non-blank text)");
        }
        return switch (kind) {
            case "agentTurn" -> {
                Optional<String> model = optionalString(o, "model", "payload.model");
                if (model.isPresent() && model.get().isBlank()) {
                    throw new IllegalArgumentException("payload.model: blank (expected: <provider>/<model>)");
                }
                Optional<Duration> timeout = Optional.empty();
                if (o.containsKey("timeout_seconds")) {
                    long seconds = count(o, "timeout_seconds", "payload.timeout_seconds");
                    if (seconds == 0) {
                        throw new IllegalArgumentException("payload.timeout_seconds: 0 (expected: a positive number of seconds)");
                    }
                    timeout = Optional.of(Duration.ofSeconds(seconds));
                }
                yield new Payload.AgentTurn(message, model, timeout);
            }
            case "systemEvent" -> new Payload.SystemEvent(message);
            default -> throw new IllegalArgumentException("payload.kind: \"" + kind + "\" (expected: agentTurn or systemEvent)");
        };
    }

    private static Delivery readDelivery(JsonObject o) {
        String mode = string(o, "mode", "delivery.mode");
        return switch (mode) {
            case "none" -> Delivery.NONE;
            case "announce" -> {
                String channel = string(o, "channel", "delivery.channel");
                String to = string(o, "to", "delivery.to");
                if (channel.isBlank()) {
                    throw new IllegalArgumentException("delivery.channel: blank (expected: a channel such as telegram)");
                }
                if (to.isBlank()) {
                    throw new IllegalArgumentException("delivery.to: blank (expected: a chat id)");
                }
                yield Delivery.announce(channel, to);
            }
            default -> throw new IllegalArgumentException("delivery.mode: \"" + mode + "\" (expected: none or announce)");
        };
    }

    // ---- fields -------------------------------------------------------------------------------

    private static JsonValue require(JsonObject o, String key, String field) {
        JsonValue v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException(field + ": missing");
        }
        return v;
    }

    private static JsonObject object(JsonObject o, String key, String field) {
        JsonValue v = require(o, key, field);
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw wrongType(field, v, "an object");
        }
        return v.asJsonObject();
    }

    private static String string(JsonObject o, String key, String field) {
        if (require(o, key, field) instanceof JsonString s) {
            return s.getString();
        }
        throw wrongType(field, o.get(key), "a string");
    }

    /** A string that may be null, under a key that must be there. */
    private static Optional<String> nullableString(JsonObject o, String key, String field) {
        if (require(o, key, field).getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        return Optional.of(string(o, key, field));
    }

    /** A string under a key that may be left out; null is not accepted. */
    private static Optional<String> optionalString(JsonObject o, String key, String field) {
        return o.containsKey(key) ? Optional.of(string(o, key, field)) : Optional.empty();
    }

    private static Instant instant(JsonObject o, String key, String field) {
        String text = string(o, key, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(field + ": \"" + text + "\" (expected: " + TIME + ")", e);
        }
    }

    private static Optional<Instant> nullableInstant(JsonObject o, String key) {
        if (require(o, key, key).getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        return Optional.of(instant(o, key, key));
    }

    private static boolean bool(JsonObject o, String key) {
        JsonValue v = require(o, key, key);
        return switch (v.getValueType()) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw wrongType(key, v, "true or false");
        };
    }

    private static long count(JsonObject o, String key) {
        return count(o, key, key);
    }

    private static long count(JsonObject o, String key, String field) {
        JsonValue v = require(o, key, field);
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                long value = n.longValueExact();
                if (value >= 0) {
                    return value;
                }
            } catch (ArithmeticException tooBig) {
                // reported below
            }
            throw new IllegalArgumentException(field + ": " + n + " (expected: a whole number from 0 to " + Long.MAX_VALUE + ")");
        }
        throw wrongType(field, v, "a whole number");
    }

    private static <T> T parse(Function<String, T> parser, String text, String field) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            // The enums name the value and what they expect, under their own field name.
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(": ");
            throw new IllegalArgumentException(field + (colon < 0 ? ": \"" + text + "\"" : message.substring(colon)), e);
        }
    }

    private static IllegalArgumentException wrongType(String field, JsonValue v, String expected) {
        String got = switch (v.getValueType()) {
            case TRUE, FALSE -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
        };
        return new IllegalArgumentException(field + ": " + got + " (expected: " + expected + ")");
    }
}
