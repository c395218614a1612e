package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.Gateway;
import dev.portico.core.TestClock;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CronRoutesTest {
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    final TestClock clock = new TestClock(T0);
    final LinkedBlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();
    final GatewayHandler handler = Gateway.builder().token(TOKEN).clock(clock).cronZone(ZoneId.of("Europe/Berlin"))
            .eventListener(events::add).build().handler();

    HttpResponse get(String target) {
        return handler.handle(HttpRequest.builder().target(target).header("Authorization", "Bearer " + TOKEN).build());
    }

    HttpResponse delete(String target) {
        return handler.handle(HttpRequest.builder().method("DELETE").target(target)
                .header("Authorization", "Bearer " + TOKEN).build());
    }

    HttpResponse send(String target, String body) {
        return handler.handle(post(target, body).build());
    }

    JsonObject create(String body) {
        HttpResponse r = send("/api/cron/create", body);
        assertEquals(201, r.status(), () -> GatewayHandlerTest.text(r));
        return json(r).getJsonObject("job");
    }

    /** Waits for an event of a type (other events are passed over). */
    GatewayEvent event(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            GatewayEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }

    @Test
    void aCreatedJobIsListedWithItsNextRunInItsZone() {
        JsonObject job = create("{\"name\":\"morning\",\"schedule\":{\"kind\":\"cron\",\"expr\":\"0 9 * * *\"},"
                + "\"payload\":{\"kind\":\"agentTurn\",\"message\":\"good morning\"}}");
        assertEquals("morning", job.getString("name"));
        assertEquals("Europe/Berlin", job.getJsonObject("schedule").getString("tz"), "the gateway's zone by default");
        // 09:00 in Berlin in June is 07:00 UTC; 10:00 UTC has passed it, so tomorrow.
        assertEquals("2026-06-02T07:00:00Z", job.getString("next_run"));
        assertTrue(job.isNull("last_run"));
        assertTrue(job.isNull("last_status"));
        assertEquals("main", job.getString("session_target"));
        assertEquals("none", job.getJsonObject("delivery").getString("mode"));
        assertEquals("run_once", job.getString("misfire"));
        assertTrue(job.getBoolean("enabled"));
        assertFalse(job.containsKey("idempotency_key"));

        JsonArray jobs = json(get("/api/cron")).getJsonArray("jobs");
        assertEquals(1, jobs.size());
        assertEquals(job, jobs.getJsonObject(0));
        assertEquals(job, json(get("/api/cron?id=" + job.getString("id"))).getJsonObject("job"));
        assertError(get("/api/cron?id=nope"), 404, "JOB_NOT_FOUND");
    }

    @Test
    void everyAtAndZonesAreAcceptedInTheSeedsForms() {
        JsonObject every = create("{\"name\":\"e\",\"schedule\":{\"type\":\"every\",\"every\":\"30m\"},"
                + "\"payload\":{\"type\":\"agentTurn\",\"prompt\":\"tick\"}}");
        assertEquals("30m", every.getJsonObject("schedule").getString("every"));
        assertEquals(1_800_000, every.getJsonObject("schedule").getJsonNumber("every_ms").longValue());
        assertEquals("2026-06-01T10:30:00Z", every.getString("next_run"));
        JsonObject at = create("{\"name\":\"a\",\"schedule\":{\"kind\":\"at\",\"at\":\"2026-12-01T09:00:00+01:00\"},"
                + "\"message\":\"once\",\"delete_after_run\":true}");
        assertEquals("2026-12-01T08:00:00Z", at.getString("next_run"));
        assertTrue(at.getBoolean("delete_after_run"));
        JsonObject ny = create("{\"name\":\"ny\",\"expr\":\"30 2 * * *\",\"tz\":\"America/New_York\",\"message\":\"m\"}");
        assertEquals("America/New_York", ny.getJsonObject("schedule").getString("tz"));
        JsonObject quartz = create("{\"name\":\"q\",\"expr\":\"0 0 12 * * ?\",\"tz\":\"UTC\",\"message\":\"m\"}");
        assertEquals("2026-06-01T12:00:00Z", quartz.getString("next_run"));
        JsonObject hourly = create("{\"name\":\"h\",\"expr\":\"@hourly\",\"tz\":\"UTC\",\"message\":\"m\"}");
        assertEquals("2026-06-01T11:00:00Z", hourly.getString("next_run"));
        JsonObject unnamed = create("{\"expr\":\"0 9 * * *\",\"message\":\"Summarise the news\\nin three lines\"}");
        assertEquals("Summarise the news", unnamed.getString("name"), "named after the message's first line");
    }

    @Test
    void badJobsAreRefusedNamingTheProblemAndNothingIsCreated() {
        String[][] cases = {
            {"{\"name\":\"x\",\"expr\":\"0 25 * * *\",\"message\":\"m\"}", "0 25 * * *"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * *\",\"message\":\"m\"}", "4 fields"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"tz\":\"Mars/Olympus\",\"message\":\"m\"}", "tz: \"Mars/Olympus\""},
            {"{\"name\":\"x\",\"message\":\"m\"}", "schedule: required"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\"}", "payload: required"},
            {"{\"name\":\"x\",\"schedule\":{\"kind\":\"every\",\"every\":\"soon\"},\"message\":\"m\"}", "every"},
            {"{\"name\":\"x\",\"schedule\":{\"kind\":\"every\",\"every_ms\":10},\"message\":\"m\"}", "every_ms: 10"},
            {"{\"name\":\"x\",\"schedule\":{\"kind\":\"at\",\"at\":\"tomorrow\"},\"message\":\"m\"}", "at: \"tomorrow\""},
            {"{\"name\":\"x\",\"schedule\":{\"kind\":\"weekly\"},\"message\":\"m\"}", "schedule.kind: \"weekly\""},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"payload\":{\"kind\":\"dance\",\"message\":\"m\"}}", "payload.kind"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"message\":\"m\",\"session_target\":\"shared\"}", "session_target"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"message\":\"m\",\"misfire\":\"twice\"}", "misfire"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"message\":\"m\",\"delivery\":{\"mode\":\"announce\"}}", "delivery"},
            {"{\"name\":\"x\",\"expr\":\"0 9 * * *\",\"message\":\"m\",\"enabled\":\"yes\"}", "enabled"},
            {"{\"id\":\"../etc\",\"name\":\"x\",\"expr\":\"0 9 * * *\",\"message\":\"m\"}", "id"},
            {"[1,2]", "body"},
            {"{\"name\":", "malformed JSON"},
        };
        for (String[] c : cases) {
            HttpResponse r = send("/api/cron/create", c[0]);
            assertError(r, 400, "INVALID_REQUEST");
            String message = json(r).getJsonObject("error").getString("message");
            assertTrue(message.contains(c[1]), () -> c[0] + " → " + message);
        }
        assertEquals(0, json(get("/api/cron")).getJsonArray("jobs").size());
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyReturnsTheFirstJob() {
        String body = "{\"name\":\"n\",\"expr\":\"0 9 * * *\",\"message\":\"m\"}";
        HttpResponse first = handler.handle(post("/api/cron/create", body).header("Idempotency-Key", "k-1").build());
        HttpResponse again = handler.handle(post("/api/cron/create", body).header("Idempotency-Key", "k-1").build());
        assertEquals(201, first.status());
        assertEquals(200, again.status());
        assertEquals("true", again.headers().first("Idempotent-Replayed").orElse(null));
        assertEquals(json(first).getJsonObject("job").getString("id"), json(again).getJsonObject("job").getString("id"));
        HttpResponse other = handler.handle(post("/api/cron/create", body).header("Idempotency-Key", "k-2").build());
        assertEquals(201, other.status(), "the same name with a new id is another job");
        assertEquals(2, json(get("/api/cron")).getJsonArray("jobs").size());
        JsonObject fixed = create("{\"id\":\"daily\",\"name\":\"n\",\"expr\":\"0 9 * * *\",\"message\":\"m\"}");
        assertEquals("daily", fixed.getString("id"));
        assertError(send("/api/cron/create", "{\"id\":\"daily\",\"name\":\"n\",\"expr\":\"0 9 * * *\",\"message\":\"m\"}"),
                409, "CONFLICT");
    }

    @Test
    void theActionFormCoversEveryOperationIncludingLegacyFields() {
        JsonObject created = json(send("/api/cron", "{\"action\":\"create\",\"name\":\"daily-check\",\"message\":"
                + "\"Run daily check\",\"expr\":\"0 9 * * *\",\"deliver\":false,\"channel\":\"\",\"to\":\"\"}"));
        assertTrue(created.getBoolean("ok"));
        String id = created.getJsonObject("result").getString("id");
        JsonObject legacyEvery = json(send("/api/cron", "{\"action\":\"create\",\"name\":\"le\",\"message\":\"m\","
                + "\"kind\":\"every\",\"everyMs\":60000}")).getJsonObject("result");
        assertEquals("2026-06-01T10:01:00Z", legacyEvery.getString("next_run"));
        JsonObject legacyAt = json(send("/api/cron", "{\"action\":\"create\",\"name\":\"la\",\"message\":\"m\","
                + "\"kind\":\"at\",\"atMs\":" + T0.plusSeconds(3600).toEpochMilli() + "}")).getJsonObject("result");
        assertEquals("2026-06-01T11:00:00Z", legacyAt.getString("next_run"));
        JsonObject announce = json(send("/api/cron", "{\"name\":\"an\",\"message\":\"m\",\"expr\":\"0 9 * * *\","
                + "\"deliver\":true,\"channel\":\"telegram\",\"to\":\"42\"}")).getJsonObject("result");
        assertEquals("announce", announce.getJsonObject("delivery").getString("mode"));
        assertEquals("42", announce.getJsonObject("delivery").getString("to"));

        assertEquals(4, json(send("/api/cron", "{\"action\":\"list\"}")).getJsonArray("result").size());
        assertEquals(id, json(send("/api/cron?id=" + id, "{\"action\":\"get\"}")).getJsonObject("result").getString("id"));
        JsonObject updated = json(send("/api/cron", "{\"action\":\"update\",\"id\":\"" + id + "\",\"expr\":\"0 12 * * *\","
                + "\"tz\":\"UTC\"}")).getJsonObject("result");
        assertEquals("2026-06-01T12:00:00Z", updated.getString("next_run"));
        assertEquals("daily-check", updated.getString("name"), "fields not given stay");
        assertEquals("Run daily check", updated.getJsonObject("payload").getString("message"));
        JsonObject disabled = json(send("/api/cron", "{\"action\":\"disable\",\"id\":\"" + id + "\"}")).getJsonObject("result");
        assertFalse(disabled.getBoolean("enabled"));
        assertTrue(disabled.isNull("next_run"));
        assertTrue(json(send("/api/cron", "{\"action\":\"enable\",\"id\":\"" + id + "\"}")).getJsonObject("result")
                .getBoolean("enabled"));
        assertTrue(json(send("/api/cron", "{\"action\":\"delete\",\"id\":\"" + id + "\"}")).getJsonObject("result")
                .getBoolean("deleted"));
        assertError(send("/api/cron", "{\"action\":\"get\",\"id\":\"" + id + "\"}"), 404, "JOB_NOT_FOUND");
        assertError(send("/api/cron", "{\"action\":\"update\"}"), 400, "INVALID_REQUEST");
        assertError(send("/api/cron", "{\"action\":\"explode\"}"), 400, "INVALID_REQUEST");
    }

    @Test
    void aTriggerAnswersAtOnceAndTheRunProceedsInTheJobsSession() throws Exception {
        String id = create("{\"name\":\"t\",\"expr\":\"0 9 * * *\",\"message\":\"ping\"}").getString("id");
        HttpResponse r = send("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}");
        assertEquals(200, r.status());
        JsonObject body = json(r);
        assertEquals("ok", body.getString("status"));
        assertTrue(body.getBoolean("ok"));
        assertEquals("Task triggered", body.getString("message"));
        String runId = body.getString("run_id");
        assertNotNull(runId);
        assertEquals(runId, event("cron.run.started").data().get("run_id"));
        GatewayEvent done = event("cron.run.finished");
        assertEquals("ok", done.data().get("status"));

        JsonObject run = json(get("/api/cron/" + id + "/runs")).getJsonArray("runs").getJsonObject(0);
        assertEquals(runId, run.getString("run_id"));
        assertEquals("ok", run.getString("status"));
        assertEquals("manual", run.getString("trigger"));
        assertEquals("cron:" + id, run.getString("session"));
        JsonArray messages = json(get("/api/sessions/cron:" + id)).getJsonArray("messages");
        assertEquals("ping", messages.getJsonObject(0).getString("content"));
        assertEquals("assistant", messages.getJsonObject(1).getString("role"));
        JsonObject job = json(get("/api/cron?id=" + id)).getJsonObject("job");
        assertEquals("ok", job.getString("last_status"));
        assertEquals(1, job.getInt("total_runs"));
        assertEquals("2026-06-02T07:00:00Z", job.getString("next_run"), "a manual run leaves the schedule");

        assertError(send("/api/cron/trigger", "{\"job_id\":\"nope\"}"), 404, "JOB_NOT_FOUND");
        assertError(send("/api/cron/trigger", "{}"), 400, "INVALID_REQUEST");
    }

    @Test
    void anIsolatedJobRunsInAFreshSessionEachTime() throws Exception {
        String id = create("{\"name\":\"i\",\"expr\":\"0 9 * * *\",\"message\":\"ping\",\"session_target\":\"isolated\"}")
                .getString("id");
        String first = json(send("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}")).getString("run_id");
        event("cron.run.finished");
        String second = json(send("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}")).getString("run_id");
        event("cron.run.finished");
        assertEquals(2, json(get("/api/sessions/cron:" + id + ":" + first)).getJsonArray("messages").size());
        assertEquals(2, json(get("/api/sessions/cron:" + id + ":" + second)).getJsonArray("messages").size());
        assertError(get("/api/sessions/cron:" + id), 404, "SESSION_NOT_FOUND");
    }

    @Test
    void aSystemEventIsStoredAndPublishedWithoutRunningTheAgent() throws Exception {
        String id = create("{\"name\":\"s\",\"expr\":\"0 9 * * *\",\"payload\":{\"kind\":\"systemEvent\",\"text\":"
                + "\"Check the backups\"}}").getString("id");
        send("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}");
        GatewayEvent note = event("cron.system_event");
        assertEquals("Check the backups", note.data().get("text"));
        assertEquals("ok", event("cron.run.finished").data().get("status"));
        JsonArray messages = json(get("/api/sessions/cron:" + id)).getJsonArray("messages");
        assertEquals(1, messages.size());
        assertEquals("system", messages.getJsonObject(0).getString("role"));
    }

    @Test
    void anAnnouncementWithNoChannelToCarryItIsRecordedAsNotDelivered() throws Exception {
        String id = create("{\"name\":\"a\",\"expr\":\"0 9 * * *\",\"message\":\"ping\",\"delivery\":{\"mode\":"
                + "\"announce\",\"channel\":\"telegram\",\"to\":\"42\"}}").getString("id");
        send("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}");
        assertEquals("not_delivered: channel: telegram is not configured (no channels are configured)", event("cron.run.finished").data().get("delivery"));
        JsonObject run = json(get("/api/cron/" + id + "/runs?limit=1")).getJsonArray("runs").getJsonObject(0);
        assertEquals("not_delivered: channel: telegram is not configured (no channels are configured)", run.getString("delivery"));
    }

    @Test
    void toggleFlipsOrSetsAndDeleteRemoves() throws Exception {
        String id = create("{\"name\":\"t\",\"expr\":\"0 9 * * *\",\"message\":\"m\"}").getString("id");
        assertEquals("created", event("cron.job.changed").data().get("change"));
        JsonObject off = json(handler.handle(post("/api/cron/" + id + "/toggle", "").build())).getJsonObject("job");
        assertFalse(off.getBoolean("enabled"));
        assertEquals("disabled", event("cron.job.changed").data().get("change"));
        assertTrue(json(send("/api/cron/" + id + "/toggle", "{\"enabled\":true}")).getJsonObject("job").getBoolean("enabled"));
        assertTrue(json(send("/api/cron/" + id + "/toggle", "{\"enabled\":true}")).getJsonObject("job").getBoolean("enabled"),
                "setting is not flipping");
        assertError(send("/api/cron/" + id + "/toggle", "{\"enabled\":\"off\"}"), 400, "INVALID_REQUEST");
        assertError(send("/api/cron/nope/toggle", ""), 404, "JOB_NOT_FOUND");
        HttpResponse deleted = delete("/api/cron/" + id);
        assertEquals(200, deleted.status());
        assertTrue(json(deleted).getBoolean("deleted"));
        assertError(delete("/api/cron/" + id), 404, "JOB_NOT_FOUND");
        assertError(get("/api/cron/" + id + "/runs"), 404, "JOB_NOT_FOUND");
        assertEquals(List.of(), json(get("/api/cron")).getJsonArray("jobs"));
    }
}
