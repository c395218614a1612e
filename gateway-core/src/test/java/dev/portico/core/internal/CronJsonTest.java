package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.JobState;
import dev.portico.api.cron.MisfirePolicy;
import dev.portico.api.cron.Payload;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.cron.Schedule;
import dev.portico.api.cron.SessionTarget;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronJsonTest {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static final Job EVERY = new Job("digest", "Daily digest",
            new Schedule.Every(Duration.ofMinutes(90), Instant.parse("2026-03-01T08:00:00Z")),
            new Payload.AgentTurn("Summarize \"today\"\nplease", Optional.of("openai/gpt-4o-mini"),
                    Optional.of(Duration.ofSeconds(120))),
            SessionTarget.ISOLATED, Delivery.announce("telegram", "-100123"), MisfirePolicy.SKIP, true, false, T0,
            T0.plusMillis(300_250), Optional.of("idem-1"),
            new JobState(Optional.of(Instant.parse("2026-03-01T11:30:00Z")), Optional.of(T0), Optional.of(RunStatus.ERROR),
                    Optional.of("upstream: 502"), 1234, 2, 17));

    static final Job CRON = new Job("morning", "Morning", new Schedule.Cron("0 9 * * *", ZoneId.of("Europe/Berlin")),
            new Payload.SystemEvent("Good morning"), SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, false,
            false, T0, T0, Optional.of("k"), JobState.NEW);

    static final Job AT = new Job("once", "Once", new Schedule.At(Instant.parse("2026-03-02T07:00:00Z")),
            Payload.AgentTurn.of("ping"), SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, true, true, T0, T0,
            Optional.empty(), JobState.NEW.withNextRun(Optional.of(Instant.parse("2026-03-02T07:00:00Z"))));

    static final JobRun RUNNING = new JobRun("r-1", "digest", JobRun.Trigger.MANUAL, T0, T0.plusMillis(5),
            RunStatus.RUNNING, Optional.empty(), Optional.empty(), Optional.of("cron:digest:r-1"), Optional.empty());

    static final JobRun FAILED = RUNNING.finish(RunStatus.ERROR, T0.plusMillis(2005), Optional.of("timed out"),
            Optional.of("not_delivered: telegram down"));

    private static final Map<String, Job> JOBS = Map.of("every", EVERY, "cron", CRON, "at", AT);

    // ---- writing ------------------------------------------------------------------------------

    @Test
    void anEveryJobWithEverything() {
        String expected = """
                {"id":"digest","name":"Daily digest",\
                "schedule":{"kind":"every","every":"1h30m","every_ms":5400000,"anchor":"2026-03-01T08:00:00Z"},\
                "payload":{"kind":"agentTurn","message":"Summarize \\"today\\"\\nplease","model":"openai/gpt-4o-mini",\
                "timeout_seconds":120},\
                "session_target":"isolated","delivery":{"mode":"announce","channel":"telegram","to":"-100123"},\
                "misfire":"skip","enabled":true,"delete_after_run":false,\
                "created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:05:00.250Z",\
                "next_run":"2026-03-01T11:30:00Z","last_run":"2026-03-01T10:00:00Z","last_status":"error",\
                "last_error":"upstream: 502","last_duration_ms":1234,"consecutive_errors":2,"total_runs":17""";
        assertEquals(expected + ",\"idempotency_key\":\"idem-1\"}", CronJson.job(EVERY, true).toString());
        assertEquals(expected + "}", CronJson.job(EVERY, false).toString());
    }

    @Test
    void aCronJobThatHasNotRunHasNulls() {
        assertEquals("""
                {"id":"morning","name":"Morning",\
                "schedule":{"kind":"cron","expr":"0 9 * * *","tz":"Europe/Berlin"},\
                "payload":{"kind":"systemEvent","message":"Good morning"},\
                "session_target":"main","delivery":{"mode":"none"},"misfire":"run_once","enabled":false,\
                "delete_after_run":false,"created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:00:00Z",\
                "next_run":null,"last_run":null,"last_status":null,"last_error":null,\
                "last_duration_ms":0,"consecutive_errors":0,"total_runs":0}""", CronJson.job(CRON, false).toString());
    }

    @Test
    void anAtJobWithAPlainTurnAndNoKey() {
        assertEquals("""
                {"id":"once","name":"Once","schedule":{"kind":"at","at":"2026-03-02T07:00:00Z"},\
                "payload":{"kind":"agentTurn","message":"ping"},\
                "session_target":"main","delivery":{"mode":"none"},"misfire":"run_once","enabled":true,\
                "delete_after_run":true,"created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:00:00Z",\
                "next_run":"2026-03-02T07:00:00Z","last_run":null,"last_status":null,"last_error":null,\
                "last_duration_ms":0,"consecutive_errors":0,"total_runs":0}""", CronJson.job(AT, true).toString());
    }

    @Test
    void runsWhileRunningAndOnceEnded() {
        assertEquals("""
                {"run_id":"r-1","job_id":"digest","trigger":"manual","scheduled_for":"2026-03-01T10:00:00Z",\
                "started_at":"2026-03-01T10:00:00.005Z","status":"running","finished_at":null,"duration_ms":null,\
                "error":null,"session":"cron:digest:r-1","delivery":null}""", CronJson.run(RUNNING).toString());
        assertEquals("""
                {"run_id":"r-1","job_id":"digest","trigger":"manual","scheduled_for":"2026-03-01T10:00:00Z",\
                "started_at":"2026-03-01T10:00:00.005Z","status":"error","finished_at":"2026-03-01T10:00:02.005Z",\
                "duration_ms":2000,"error":"timed out","session":"cron:digest:r-1",\
                "delivery":"not_delivered: telegram down"}""", CronJson.run(FAILED).toString());
    }

    // ---- round trips --------------------------------------------------------------------------

    @Test
    void jobsComeBackEqual() {
        for (Job job : JOBS.values()) {
            assertEquals(job, CronJson.readJob(CronJson.job(job, true)));
            assertEquals(job, CronJson.readJob(parse(CronJson.job(job, true).toString())));
        }
        assertEquals(Optional.empty(), CronJson.readJob(CronJson.job(EVERY, false)).idempotencyKey());
        assertEquals(EVERY.withState(JobState.NEW), CronJson.readJob(CronJson.job(EVERY.withState(JobState.NEW), true)));
    }

    @Test
    void runsComeBackEqual() {
        assertEquals(RUNNING, CronJson.readRun(CronJson.run(RUNNING)));
        assertEquals(FAILED, CronJson.readRun(parse(CronJson.run(FAILED).toString())));
        JobRun skipped = new JobRun("r-2", "morning", JobRun.Trigger.MISFIRE, T0, T0.plusSeconds(60), RunStatus.SKIPPED,
                Optional.of(T0.plusSeconds(60)), Optional.of("missed while down"), Optional.empty(), Optional.empty());
        assertEquals(skipped, CronJson.readRun(CronJson.run(skipped)));
    }

    @Test
    void keysItDoesNotKnowAreIgnored() {
        JsonObject job = with(CronJson.job(AT, true), "comment", "\"added by hand\"");
        assertEquals(AT, CronJson.readJob(job));
        JsonObject run = with(CronJson.run(FAILED), "extra", "1");
        assertEquals(FAILED, CronJson.readRun(run));
    }

    // ---- malformed ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "every | id                        | -                   | id: missing",
        "every | id                        | 42                  | id: a number",
        "every | id                        | '\"a b\"'           | id: ",
        "every | name                      | '\"  \"'            | name: ",
        "every | name                      | null                | name: null",
        "every | schedule                  | '\"daily\"'         | schedule: a string",
        "every | schedule.kind             | '\"weekly\"'        | schedule.kind: ",
        "every | schedule.kind             | -                   | schedule.kind: missing",
        "every | schedule.every_ms         | -5                  | schedule.every_ms: ",
        "every | schedule.every_ms         | 500                 | schedule.every_ms: ",
        "every | schedule.every_ms         | '\"5400000\"'       | schedule.every_ms: a string",
        "every | schedule.every_ms         | 1e30                | schedule.every_ms: ",
        "every | schedule.every            | '\"1h\"'            | schedule.every: ",
        "every | schedule.every            | -                   | schedule.every: missing",
        "every | schedule.anchor           | '\"yesterday\"'     | schedule.anchor: ",
        "cron  | schedule.tz               | '\"Mars/Olympus\"'  | schedule.tz: ",
        "cron  | schedule.tz               | -                   | schedule.tz: missing",
        "cron  | schedule.expr             | '\" \"'             | schedule.expr: ",
        "at    | schedule.at               | 1700000000          | schedule.at: a number",
        "every | payload                   | '[]'                | payload: an array",
        "every | payload.kind              | '\"shell\"'         | payload.kind: ",
        "every | payload.message           | -                   | payload.message: missing",
        "cron  | payload.message           | '\"\"'              | payload.message: ",
        "every | payload.model             | 5                   | payload.model: a number",
        "every | payload.timeout_seconds   | 0                   | payload.timeout_seconds: ",
        "every | payload.timeout_seconds   | 1.5                 | payload.timeout_seconds: ",
        "every | payload.timeout_seconds   | '\"60\"'            | payload.timeout_seconds: a string",
        "every | session_target            | '\"both\"'          | session_target: ",
        "every | delivery                  | -                   | delivery: missing",
        "every | delivery.mode             | '\"email\"'         | delivery.mode: ",
        "every | delivery.to               | -                   | delivery.to: missing",
        "every | delivery.channel          | '\"\"'              | delivery.channel: ",
        "every | misfire                   | '\"later\"'         | misfire: ",
        "every | enabled                   | '\"yes\"'           | enabled: a string",
        "every | delete_after_run          | -                   | delete_after_run: missing",
        "every | created_at                | 12                  | created_at: a number",
        "every | updated_at                | '\"2026-13-01\"'    | updated_at: ",
        "every | next_run                  | '\"soon\"'          | next_run: ",
        "cron  | last_run                  | -                   | last_run: missing",
        "every | last_status               | '\"great\"'         | last_status: ",
        "every | last_error                | 3                   | last_error: a number",
        "every | last_duration_ms          | -1                  | last_duration_ms: ",
        "every | last_duration_ms          | null                | last_duration_ms: null",
        "every | consecutive_errors        | 3000000000          | consecutive_errors: ",
        "every | total_runs                | 1.5                 | total_runs: ",
        "every | total_runs                | 99999999999999999999 | total_runs: ",
        "every | idempotency_key           | 7                   | idempotency_key: a number",
    })
    void aMalformedJobNamesTheField(String base, String path, String value, String message) {
        JsonObject o = with(CronJson.job(JOBS.get(base), true), path, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronJson.readJob(o));
        assertTrue(e.getMessage().startsWith(message), () -> "\"" + e.getMessage() + "\" should start with \"" + message + "\"");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "run_id        | -                  | run_id: missing",
        "run_id        | '\"\"'             | run_id: ",
        "job_id        | '\"../etc\"'       | job_id: ",
        "trigger       | '\"cron\"'         | trigger: ",
        "scheduled_for | -                  | scheduled_for: missing",
        "started_at    | '\"x\"'            | started_at: ",
        "status        | '\"done\"'         | status: ",
        "finished_at   | 5                  | finished_at: a number",
        "finished_at   | -                  | finished_at: missing",
        "duration_ms   | '\"2s\"'           | duration_ms: a string",
        "error         | true               | error: a boolean",
        "session       | 1                  | session: a number",
        "delivery      | '[]'               | delivery: an array",
    })
    void aMalformedRunNamesTheField(String path, String value, String message) {
        JsonObject o = with(CronJson.run(FAILED), path, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronJson.readRun(o));
        assertTrue(e.getMessage().startsWith(message), () -> "\"" + e.getMessage() + "\" should start with \"" + message + "\"");
    }

    @Test
    void whatIsWrittenCanBeReadBack() {
        // A timeout below a second is rounded up rather than written as 0, which reading refuses.
        Job halfSecond = new Job("t", "t", AT.schedule(), new Payload.AgentTurn("x", Optional.empty(),
                Optional.of(Duration.ofMillis(1500))), SessionTarget.MAIN, Delivery.NONE, MisfirePolicy.RUN_ONCE, true,
                false, T0, T0, Optional.empty(), JobState.NEW);
        assertEquals(2, CronJson.job(halfSecond, false).getJsonObject("payload").getInt("timeout_seconds"));
        assertEquals(Optional.of(Duration.ofSeconds(2)),
                ((Payload.AgentTurn) CronJson.readJob(CronJson.job(halfSecond, false)).payload()).timeout());
        // Records the record type allows, however odd, come back as they were.
        JobRun oddRunning = new JobRun("r", "j", JobRun.Trigger.SCHEDULE, T0, T0, RunStatus.RUNNING,
                Optional.of(T0), Optional.empty(), Optional.empty(), Optional.empty());
        JobRun okUnfinished = new JobRun("r", "j", JobRun.Trigger.SCHEDULE, T0, T0, RunStatus.OK,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(oddRunning, CronJson.readRun(CronJson.run(oddRunning)));
        assertEquals(okUnfinished, CronJson.readRun(CronJson.run(okUnfinished)));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static JsonObject parse(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * The object with the field at a dotted path set to a JSON value, or removed when the value is null.
     */
    private static JsonObject with(JsonObject o, String path, String json) {
        int dot = path.indexOf('.');
        JsonObjectBuilder b = JSON.createObjectBuilder(o);
        if (dot >= 0) {
            String key = path.substring(0, dot);
            return b.add(key, with(o.getJsonObject(key), path.substring(dot + 1), json)).build();
        }
        if (json == null) {
            return b.remove(path).build();
        }
        try (JsonReader reader = JSON.createReader(new StringReader("[" + json + "]"))) {
            JsonValue value = reader.readArray().get(0);
            return b.add(path, value).build();
        }
    }
}
