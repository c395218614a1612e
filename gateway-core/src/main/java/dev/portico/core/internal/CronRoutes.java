package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Scope;
import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.Schedule;
import dev.portico.api.cron.SessionTarget;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.cron.CronScheduler;
import dev.portico.cron.Durations;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduled-jobs API: the {@code /api/cron} routes of every seed, over one {@link CronScheduler}.
 *
 * <p>A job is read leniently: the nested form ({@code schedule}, {@code payload}, {@code delivery}
 * objects), the flat form ({@code expr} / {@code every} / {@code at}, {@code message},
 * {@code deliver} + {@code channel} + {@code to}) and the legacy fields ({@code kind},
 * {@code everyMs}, {@code atMs}), with {@code type} for {@code kind} and {@code prompt} for
 * {@code message}. It is always written in one form ({@link CronJson}).
 */
final class CronRoutes {
    private static final int DEFAULT_RUNS = 50;
    private static final int MAX_RUNS = 500;
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final int DEFAULT_NAME_LENGTH = 60;

    private final CronScheduler scheduler;
    private final Clock clock;
    private volatile ZoneId zone;

    /**
     * Changes the zone of expressions created without one, for jobs created from now on.
     *
     * @param zone the zone
     */
    void zone(ZoneId zone) {
        this.zone = zone;
    }

    CronRoutes(CronScheduler scheduler, Clock clock, ZoneId zone) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.zone = zone;
    }

    List<Route> routes() {
        return List.of(
                Route.http("GET", "/api/cron", Scope.OPERATOR_READ, this::list),
                Route.http("POST", "/api/cron", Scope.OPERATOR_WRITE, this::action),
                Route.http("POST", "/api/cron/create", Scope.OPERATOR_WRITE, this::create),
                Route.http("POST", "/api/cron/trigger", Scope.OPERATOR_WRITE, this::trigger).limitedAs(RateClass.CHAT),
                Route.http("DELETE", "/api/cron/:id", Scope.OPERATOR_WRITE, this::delete),
                Route.http("POST", "/api/cron/:id/toggle", Scope.OPERATOR_WRITE, this::toggle),
                Route.http("GET", "/api/cron/:id/runs", Scope.OPERATOR_READ, this::runs));
    }

    private HttpResponse list(RequestContext ctx) {
        Optional<String> id = ctx.query("id").filter(s -> !s.isEmpty());
        if (id.isPresent()) {
            return Responses.ok(ok("job", CronJson.job(find(id.get()), false)));
        }
        return Responses.ok(ok("jobs", jobs(scheduler.list())));
    }

    private HttpResponse create(RequestContext ctx) {
        CronScheduler.Created created = scheduler.create(newJob(ctx.jsonBody(), idempotencyKey(ctx)));
        HttpResponse response = Responses.json(created.replayed() ? 200 : 201,
                ok("job", CronJson.job(created.job(), false)));
        return created.replayed() ? replayed(response) : response;
    }

    /** The clawgo form: one route, the operation named by {@code action}. */
    private HttpResponse action(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        String action = JsonCodec.optionalString(body, "action").orElse("create");
        Optional<String> id = JsonCodec.optionalId(body, "id").or(() -> ctx.query("id")).filter(s -> !s.isEmpty());
        Object result = switch (action) {
            case "list" -> jobs(scheduler.list());
            case "get" -> CronJson.job(find(required(id)), false);
            case "create" -> {
                CronScheduler.Created created = scheduler.create(newJob(body, idempotencyKey(ctx)));
                yield CronJson.job(created.job(), false);
            }
            case "update" -> CronJson.job(scheduler.update(required(id), job -> edit(job, body)), false);
            case "enable", "disable" ->
                CronJson.job(scheduler.setEnabled(required(id), Optional.of(action.equals("enable"))), false);
            case "delete" -> {
                scheduler.delete(required(id));
                Map<String, Object> deleted = new LinkedHashMap<>();
                deleted.put("deleted", true);
                deleted.put("id", id.get());
                yield deleted;
            }
            default -> throw invalid("action: \"" + action + "\" (expected: create, update, delete, enable, disable, "
                    + "get or list)");
        };
        return Responses.ok(ok("result", result));
    }

    private HttpResponse trigger(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        String id = JsonCodec.optionalId(body, "job_id").or(() -> JsonCodec.optionalId(body, "id"))
                .orElseThrow(() -> invalid("job_id: required"));
        JobRun run = scheduler.trigger(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("ok", true);
        out.put("message", "Task triggered");
        out.put("job_id", id);
        out.put("run_id", run.runId());
        return Responses.ok(out);
    }

    private HttpResponse delete(RequestContext ctx) {
        scheduler.delete(ctx.params().get("id"));
        return Responses.ok(new Wire.Deleted(true, true));
    }

    private HttpResponse toggle(RequestContext ctx) {
        byte[] raw = ctx.readBody();
        // No body flips it.
        Optional<Boolean> enabled = new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                ? Optional.empty() : bool(JsonCodec.parseObject(raw), "enabled");
        Job job = scheduler.setEnabled(ctx.params().get("id"), enabled);
        return Responses.ok(ok("job", CronJson.job(job, false)));
    }

    private HttpResponse runs(RequestContext ctx) {
        String id = ctx.params().get("id");
        int limit = ctx.intQuery("limit", DEFAULT_RUNS, 1, MAX_RUNS);
        JsonArrayBuilder out = Json.createArrayBuilder();
        scheduler.runs(id, limit).forEach(r -> out.add(CronJson.run(r)));
        return Responses.ok(ok("job_id", id, "runs", out.build()));
    }

    // ---- reading jobs -----------------------------------------------------------------------

    private Job newJob(JsonObject body, Optional<String> idempotencyKey) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<String> id = JsonCodec.optionalId(body, "id").filter(s -> !s.isEmpty());
        if (id.isPresent() && !Job.isValidId(id.get())) {
            throw invalid("id: \"" + id.get() + "\" (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
        Schedule schedule = schedule(body, now).orElseThrow(() -> invalid("schedule: required (expected: "
                + "{\"kind\":\"cron\",\"expr\":\"0 9 * * *\"}, {\"kind\":\"every\",\"every\":\"30m\"} or "
                + "{\"kind\":\"at\",\"at\":\"2026-12-01T09:00:00Z\"})"));
        Payload payload = payload(body).orElseThrow(() -> invalid("payload: required (expected: "
                + "{\"kind\":\"agentTurn\",\"message\":\"…\"}, or a message)"));
        String name = JsonCodec.optionalString(body, "name").filter(s -> !s.isBlank())
                .orElseGet(() -> defaultName(payload.text()));
        return build(() -> new Job(id.orElseGet(CronScheduler::newJobId), name, schedule, payload,
                sessionTarget(body).orElse(SessionTarget.MAIN), delivery(body).orElse(Delivery.NONE),
                misfire(body).orElse(MisfirePolicy.RUN_ONCE), bool(body, "enabled").orElse(true),
                bool(body, "delete_after_run", "deleteAfterRun").orElse(false), now, now, idempotencyKey, JobState.NEW));
    }

    /** An update: the fields present replace the job's; the rest stay. */
    private Job edit(Job job, JsonObject body) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Schedule schedule = schedule(body, now).orElse(job.schedule());
        Payload payload = payload(body).orElse(job.payload());
        return build(() -> new Job(job.id(), JsonCodec.optionalString(body, "name").filter(s -> !s.isBlank()).orElse(job.name()),
                schedule, payload, sessionTarget(body).orElse(job.sessionTarget()), delivery(body).orElse(job.delivery()),
                misfire(body).orElse(job.misfire()), bool(body, "enabled").orElse(job.enabled()),
                bool(body, "delete_after_run", "deleteAfterRun").orElse(job.deleteAfterRun()), job.createdAt(), now,
                job.idempotencyKey(), job.state()));
    }

    private Optional<Schedule> schedule(JsonObject body, Instant now) {
        JsonObject s = object(body, "schedule").orElse(body);
        Optional<String> kind = string(s, "kind", "type");
        Optional<String> expr = string(s, "expr", "cron", "expression");
        Optional<Duration> every = every(s);
        Optional<Instant> at = instant(s, "at", "atMs", "at_ms");
        if (kind.isEmpty()) {
            if (expr.isPresent()) {
                kind = Optional.of("cron");
            } else if (every.isPresent()) {
                kind = Optional.of("every");
            } else if (at.isPresent()) {
                kind = Optional.of("at");
            } else if (s != body) {
                throw invalid("schedule.kind: required (expected: at, every or cron)");
            } else {
                return Optional.empty();
            }
        }
        String k = kind.get();
        return Optional.of(build(() -> switch (k) {
            case "cron" -> new Schedule.Cron(expr.orElseThrow(() -> invalid("expr: required for a cron schedule")),
                    zone(s));
            case "every" -> new Schedule.Every(every.orElseThrow(() -> invalid("every: required for an every schedule "
                    + "(expected: a duration such as \"30m\", or every_ms)")),
                    instant(s, "anchor").orElse(now.truncatedTo(ChronoUnit.SECONDS)));
            case "at" -> new Schedule.At(at.orElseThrow(() -> invalid("at: required for an at schedule (expected: "
                    + "an RFC 3339 time such as \"2026-12-01T09:00:00Z\", or atMs)")));
            default -> throw invalid("schedule.kind: \"" + k + "\" (expected: at, every or cron)");
        }));
    }

    private ZoneId zone(JsonObject s) {
        Optional<String> tz = string(s, "tz", "timezone", "time_zone");
        if (tz.isEmpty() || tz.get().isBlank()) {
            return zone;
        }
        try {
            return ZoneId.of(tz.get().strip());
        } catch (DateTimeException e) {
            throw invalid("tz: \"" + tz.get() + "\": unknown time zone (expected: an IANA zone such as Europe/Berlin)");
        }
    }

    private static Optional<Duration> every(JsonObject s) {
        JsonValue v = s.get("every");
        if (v instanceof JsonString text) {
            try {
                return Optional.of(Durations.parse(text.getString()));
            } catch (IllegalArgumentException e) {
                throw invalid("every: " + e.getMessage());
            }
        }
        if (v != null && v.getValueType() != JsonValue.ValueType.NULL) {
            throw invalid("every: expected a duration such as \"30m\" (or every_ms, in milliseconds)");
        }
        for (String name : List.of("every_ms", "everyMs")) {
            var ms = JsonCodec.optionalLong(s, name);
            if (ms.isPresent()) {
                if (ms.getAsLong() < 1000) {
                    throw invalid(name + ": " + ms.getAsLong() + " (expected: at least 1000 milliseconds)");
                }
                return Optional.of(Duration.ofMillis(ms.getAsLong()));
            }
        }
        return Optional.empty();
    }

    /** A time: an RFC 3339 string, or epoch milliseconds as a number (the seeds' {@code atMs}). */
    private static Optional<Instant> instant(JsonObject s, String... names) {
        for (String name : names) {
            JsonValue v = s.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            if (v instanceof JsonNumber n && n.isIntegral()) {
                return Optional.of(Instant.ofEpochMilli(n.longValue()));
            }
            if (v instanceof JsonString text) {
                try {
                    return Optional.of(OffsetDateTime.parse(text.getString()).toInstant());
                } catch (DateTimeException e) {
                    throw invalid(name + ": \"" + text.getString() + "\" (expected: an RFC 3339 time with an offset, "
                            + "such as \"2026-12-01T09:00:00Z\")");
                }
            }
            throw invalid(name + ": expected an RFC 3339 time or epoch milliseconds");
        }
        return Optional.empty();
    }

    private static Optional<Payload> payload(JsonObject body) {
        JsonObject p = object(body, "payload").orElse(body);
        Optional<String> kind = string(p, "kind", "type").filter(k -> p != body);
        Optional<String> text = string(p, "message", "prompt", "text");
        if (kind.isEmpty() && text.isEmpty()) {
            if (p != body) {
                throw invalid("payload.message: required");
            }
            return Optional.empty();
        }
        String k = kind.orElse("agentTurn");
        return Optional.of(build(() -> switch (k) {
            case "agentTurn", "agent_turn" -> {
                var timeout = JsonCodec.optionalLong(p, "timeout_seconds");
                if (timeout.isEmpty()) {
                    timeout = JsonCodec.optionalLong(p, "timeoutSeconds");
                }
                yield new Payload.AgentTurn(text.orElse(null), string(p, "model"),
                        timeout.isPresent() ? Optional.of(Duration.ofSeconds(timeout.getAsLong())) : Optional.empty());
            }
            case "systemEvent", "system_event" -> new Payload.SystemEvent(text.orElse(null));
            default -> throw invalid("payload.kind: \"" + k + "\" (expected: agentTurn or systemEvent)");
        }));
    }

    private static Optional<Delivery> delivery(JsonObject body) {
        Optional<JsonObject> d = object(body, "delivery");
        if (d.isPresent()) {
            String mode = string(d.get(), "mode").orElse("none");
            return Optional.of(build(() -> switch (mode) {
                case "none" -> Delivery.NONE;
                case "announce" -> Delivery.announce(string(d.get(), "channel").orElse(null),
                        string(d.get(), "to").orElse(null));
                default -> throw invalid("delivery.mode: \"" + mode + "\" (expected: none or announce)");
            }));
        }
        Optional<Boolean> deliver = bool(body, "deliver");
        if (deliver.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(deliver.get()
                ? build(() -> Delivery.announce(string(body, "channel").orElse(null), string(body, "to").orElse(null)))
                : Delivery.NONE);
    }

    private static Optional<SessionTarget> sessionTarget(JsonObject body) {
        return string(body, "session_target", "sessionTarget").map(t -> build(() -> SessionTarget.parse(t)));
    }

    private static Optional<MisfirePolicy> misfire(JsonObject body) {
        return string(body, "misfire", "misfire_policy").map(m -> build(() -> MisfirePolicy.parse(m)));
    }

    private static Optional<String> idempotencyKey(RequestContext ctx) {
        Optional<String> key = ctx.request().headers().first("Idempotency-Key").map(String::strip).filter(k -> !k.isEmpty());
        if (key.isPresent() && key.get().length() > MAX_IDEMPOTENCY_KEY) {
            throw invalid("Idempotency-Key: " + key.get().length() + " characters (expected: at most " + MAX_IDEMPOTENCY_KEY + ")");
        }
        return key;
    }

    private static HttpResponse replayed(HttpResponse response) {
        return new HttpResponse(response.status(),
                response.headers().with(Headers.builder().add("Idempotent-Replayed", "true").build()), response.body());
    }

    private static String defaultName(String text) {
        String line = text.strip().lines().findFirst().orElse("job");
        return line.length() <= DEFAULT_NAME_LENGTH ? line : line.substring(0, DEFAULT_NAME_LENGTH - 1) + "…";
    }

    // ---- small readers ----------------------------------------------------------------------

    private Job find(String id) {
        return scheduler.get(id).orElseThrow(() -> new GatewayException(ErrorCode.JOB_NOT_FOUND,
                "job: " + id + " does not exist"));
    }

    private static String required(Optional<String> id) {
        return id.orElseThrow(() -> invalid("id: required for this action"));
    }

    /** {@code {"ok":true, …}} with the pairs in order. */
    private static Map<String, Object> ok(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private static Object jobs(List<Job> jobs) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        jobs.forEach(j -> out.add(CronJson.job(j, false)));
        return out.build();
    }

    private static Optional<String> string(JsonObject o, String... names) {
        for (String name : names) {
            Optional<String> v = JsonCodec.optionalString(o, name);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonObject> object(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonObject obj) {
            return Optional.of(obj);
        }
        throw invalid(name + ": expected an object");
    }

    private static Optional<Boolean> bool(JsonObject o, String... names) {
        for (String name : names) {
            JsonValue v = o.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            if (v.getValueType() == JsonValue.ValueType.TRUE || v.getValueType() == JsonValue.ValueType.FALSE) {
                return Optional.of(v.getValueType() == JsonValue.ValueType.TRUE);
            }
            throw invalid(name + ": expected true or false");
        }
        return Optional.empty();
    }

    /** Runs a constructor whose checks throw {@link IllegalArgumentException}, as a 400 naming the problem. */
    private static <T> T build(java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
