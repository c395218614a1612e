package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How jobs and runs from the cron API are shown. */
class CronFormatTest {
    final HumanTime time = new HumanTime(Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC));

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void schedulesOfEachKind() {
        assertEquals("0 9 * * * (Europe/Berlin) at 09:00",
                CronFormat.schedule(json("{\"kind\":\"cron\",\"expr\":\"0 9 * * *\",\"tz\":\"Europe/Berlin\"}")));
        assertEquals("every 30m", CronFormat.schedule(json("{\"kind\":\"every\",\"every\":\"30m\",\"every_ms\":1800000,"
                + "\"anchor\":\"2026-06-01T09:00:00Z\"}")));
        assertEquals("once at 2026-12-01T09:00:00Z", CronFormat.schedule(json("{\"kind\":\"at\",\"at\":\"2026-12-01T09:00:00Z\"}")));
        assertEquals("at 09:00 (Europe/Berlin)",
                CronFormat.describe(json("{\"kind\":\"cron\",\"expr\":\"0 9 * * *\",\"tz\":\"Europe/Berlin\"}")));
    }

    @Test
    void aScheduleThisVersionCannotReadIsShownAsItCame() {
        assertEquals("0 9 * * * * * * (UTC)", CronFormat.schedule(json("{\"kind\":\"cron\",\"expr\":\"0 9 * * * * * *\",\"tz\":\"UTC\"}")));
        assertEquals("0 9 * * * (Nowhere/Else)", CronFormat.describe(json("{\"kind\":\"cron\",\"expr\":\"0 9 * * *\",\"tz\":\"Nowhere/Else\"}")));
        assertEquals("fortnightly", CronFormat.schedule(json("{\"kind\":\"fortnightly\"}")));
    }

    @Test
    void nextAndLastRuns() {
        assertEquals(CronFormat.NONE, CronFormat.next(json("{\"next_run\":null}"), time));
        assertEquals("now", CronFormat.next(json("{\"next_run\":\"2026-06-01T09:59:00Z\"}"), time));
        assertEquals("in 3h 12m", CronFormat.next(json("{\"next_run\":\"2026-06-01T13:12:30Z\"}"), time));
        assertEquals("never", CronFormat.last(json("{\"last_run\":null,\"last_status\":null,\"last_error\":null}"), time));
        assertEquals("ok 2m ago", CronFormat.last(json("{\"last_run\":\"2026-06-01T09:58:00Z\",\"last_status\":\"ok\","
                + "\"last_error\":null}"), time));
        String error = "x".repeat(100);
        assertEquals("error 1h ago: " + "x".repeat(59) + "…", CronFormat.last(json("{\"last_run\":\"2026-06-01T09:00:00Z\","
                + "\"last_status\":\"error\",\"last_error\":\"" + error + "\"}"), time));
    }

    @Test
    void runsShowTheirDurationAndOutcome() {
        assertEquals("1.5s", CronFormat.duration(json("{\"duration_ms\":1500}")));
        assertEquals(CronFormat.NONE, CronFormat.duration(json("{\"duration_ms\":null}")));
        assertEquals("timed out after 10m", CronFormat.outcome(json("{\"error\":\"timed out after 10m\",\"delivery\":null}")));
        assertEquals("not_delivered: no channel", CronFormat.outcome(json("{\"error\":null,\"delivery\":\"not_delivered: no channel\"}")));
        assertEquals(CronFormat.NONE, CronFormat.outcome(json("{\"error\":null,\"delivery\":null}")));
    }

    @Test
    void tablesAlignTheirColumns() {
        assertEquals("""
                ID    NAME  ENABLED
                a     x—y   yes
                long  z     no
                """, CronFormat.table(List.of("ID", "NAME", "ENABLED"),
                List.of(List.of("a", "x—y", "yes"), List.of("long", "z", "no"))));
    }
}
