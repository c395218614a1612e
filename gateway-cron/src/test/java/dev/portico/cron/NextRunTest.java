package dev.portico.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.cron.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NextRunTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static NextRun cron(String expr, ZoneId zone) {
        return NextRun.of(new Schedule.Cron(expr, zone));
    }

    /** The runs from {@code from} (exclusive) up to {@code until} (inclusive). */
    static List<Instant> runs(NextRun next, String from, String until) {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(from);
        Instant end = Instant.parse(until);
        while (true) {
            Optional<Instant> n = next.after(t);
            if (n.isEmpty() || n.get().isAfter(end)) {
                return out;
            }
            out.add(n.get());
            t = n.get();
        }
    }

    static List<Instant> instants(String... s) {
        return java.util.Arrays.stream(s).map(Instant::parse).toList();
    }

    @Test
    void aDailyJobRunsAtItsWallClockTimeAcrossBothChanges() {
        NextRun nine = cron("0 9 * * *", NEW_YORK);
        // 09:00 EST is 14:00Z; from 2026-03-08 09:00 EDT is 13:00Z; back to 14:00Z after 2026-11-01.
        assertEquals(instants("2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z"),
                runs(nine, "2026-03-07T00:00:00Z", "2026-03-09T23:00:00Z"));
        assertEquals(instants("2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z"),
                runs(nine, "2026-10-31T00:00:00Z", "2026-11-02T23:00:00Z"));
    }

    @Test
    void aTimeSkippedBySpringForwardRunsOnceAtTheEndOfTheGap() {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z); 02:30 does not exist that day.
        NextRun halfPastTwo = cron("30 2 * * *", NEW_YORK);
        assertEquals(instants("2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"),
                runs(halfPastTwo, "2026-03-07T00:00:00Z", "2026-03-09T23:00:00Z"));
        // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
        NextRun berlin = cron("15 2 * * *", BERLIN);
        assertEquals(instants("2026-03-28T01:15:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:15:00Z"),
                runs(berlin, "2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z"));
    }

    @Test
    void everyTimeInTheGapRunsOnceTogether() {
        NextRun quarterly = cron("*/15 * * * *", NEW_YORK);
        // 01:45 EST, then the gap (02:00-02:45 and 03:00 all land on 03:00 EDT), then 03:15 EDT.
        assertEquals(instants("2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"),
                runs(quarterly, "2026-03-08T06:30:00Z", "2026-03-08T07:15:00Z"));
    }

    @Test
    void aTimeRepeatedByFallBackRunsOnceAtItsFirstOccurrence() {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST (06:00Z); 01:30 happens twice.
        NextRun halfPastOne = cron("30 1 * * *", NEW_YORK);
        assertEquals(instants("2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"),
                runs(halfPastOne, "2026-10-31T00:00:00Z", "2026-11-02T23:00:00Z"));
        // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens twice.
        NextRun berlin = cron("30 2 * * *", BERLIN);
        assertEquals(instants("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                runs(berlin, "2026-10-24T00:00:00Z", "2026-10-26T23:00:00Z"));
    }

    @Test
    void duringTheRepeatedHourNothingRunsTwice() {
        NextRun quarterly = cron("*/15 * * * *", NEW_YORK);
        // 01:00-01:45 EDT (05:00-05:45Z), then nothing in the repeated 01:xx EST, then 02:00 EST (07:00Z).
        assertEquals(instants("2026-11-01T05:00:00Z", "2026-11-01T05:15:00Z", "2026-11-01T05:30:00Z",
                        "2026-11-01T05:45:00Z", "2026-11-01T07:00:00Z"),
                runs(quarterly, "2026-11-01T04:50:00Z", "2026-11-01T07:00:00Z"));
        // Asked from inside the repeated hour, the next run is after it.
        assertEquals(Optional.of(Instant.parse("2026-11-01T07:00:00Z")),
                quarterly.after(Instant.parse("2026-11-01T06:20:00Z")));
    }

    @Test
    void everyCountsRealTimeFromItsAnchorWhateverTheClocksDo() {
        NextRun hourly = NextRun.of(new Schedule.Every(Duration.ofHours(1), Instant.parse("2026-03-08T05:10:00Z")));
        assertEquals(instants("2026-03-08T05:10:00Z", "2026-03-08T06:10:00Z", "2026-03-08T07:10:00Z",
                "2026-03-08T08:10:00Z"), runs(hourly, "2026-03-08T00:00:00Z", "2026-03-08T08:30:00Z"));
        assertEquals(Optional.of(Instant.parse("2026-03-08T09:10:00Z")),
                hourly.after(Instant.parse("2026-03-08T08:10:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-03-08T09:10:00Z")),
                hourly.after(Instant.parse("2026-03-08T08:10:00.001Z")));
    }

    @Test
    void atRunsOnceAndNeverAgain() {
        NextRun once = NextRun.of(new Schedule.At(Instant.parse("2026-12-01T09:00:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-12-01T09:00:00Z")), once.after(Instant.parse("2026-11-21T00:00:00Z")));
        assertEquals(Optional.empty(), once.after(Instant.parse("2026-12-01T09:00:00Z")));
        assertEquals("once at 2026-12-01T09:00:00Z", once.describe());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@hourly   | 2026-01-01T01:00:00Z",
        "@daily    | 2026-01-02T00:00:00Z",
        "@midnight | 2026-01-02T00:00:00Z",
        "@weekly   | 2026-01-04T00:00:00Z",
        "@monthly  | 2026-02-01T00:00:00Z",
        "@yearly   | 2027-01-01T00:00:00Z",
        "@ANNUALLY | 2027-01-01T00:00:00Z",
        "0 0 9 ? * MON-FRI | 2026-01-01T09:00:00Z",
        "30 0 9 * * ? 2027 | 2027-01-01T09:00:30Z",
        "0 9 * * 1-5 | 2026-01-01T09:00:00Z"})
    void descriptorsQuartzAndUnixForms(String expr, String next) {
        assertEquals(Optional.of(Instant.parse(next)), cron(expr, ZoneId.of("UTC")).after(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void anExpressionThatNeverMatchesHasNoNextRun() {
        assertEquals(Optional.empty(), cron("0 0 30 2 *", ZoneId.of("UTC")).after(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void badExpressionsAreRefusedWithTheParsersReason() {
        String hour = assertThrows(IllegalArgumentException.class, () -> cron("0 25 * * *", NEW_YORK)).getMessage();
        assertTrue(hour.startsWith("expr: \"0 25 * * *\": "), hour);
        assertTrue(hour.contains("25"), hour);
        assertEquals("expr: \"0 9 * *\": 4 fields (expected: 5, minute hour day-of-month month day-of-week; "
                + "or 6-7 with seconds first)", assertThrows(IllegalArgumentException.class,
                        () -> cron("0 9 * *", NEW_YORK)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cron("@fortnightly", NEW_YORK)).getMessage()
                .startsWith("expr: \"@fortnightly\": unknown descriptor (expected: one of @annually, @daily"));
        String quartz = assertThrows(IllegalArgumentException.class, () -> cron("0 0 9 * * MON", NEW_YORK)).getMessage();
        assertTrue(quartz.startsWith("expr: \"0 0 9 * * MON\": "), quartz);
        assertEquals("expr: required (expected: a cron expression such as \"0 9 * * *\")",
                assertThrows(IllegalArgumentException.class, () -> new Schedule.Cron("  ", NEW_YORK)).getMessage());
        assertEquals("every: PT0.5S (expected: at least 1 second)", assertThrows(IllegalArgumentException.class,
                () -> new Schedule.Every(Duration.ofMillis(500), Instant.EPOCH)).getMessage());
    }

    @Test
    void schedulesDescribeThemselves() {
        assertEquals("every 1h30m", NextRun.of(new Schedule.Every(Duration.ofMinutes(90), Instant.EPOCH)).describe());
        String daily = cron("0 9 * * *", BERLIN).describe();
        assertTrue(daily.contains("09:00") || daily.contains("9:00"), daily);
        assertTrue(daily.endsWith("(Europe/Berlin)"), daily);
    }

    @Test
    void intervalsReadAndWriteAsPeopleWriteThem() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30s "));
        assertEquals(Duration.ofDays(2).plusMinutes(5), Durations.parse("2d5m"));
        assertEquals("2d5m", Durations.describe(Duration.ofDays(2).plusMinutes(5)));
        assertEquals("0s", Durations.describe(Duration.ofMillis(300)));
        for (String bad : new String[] {"", "30", "m", "30x", "30m1h", "1h 30m", "-5m", "5m5m"}) {
            assertEquals("\"" + bad + "\" (expected: an interval such as 30s, 15m, 1h30m or 2d)",
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad)).getMessage(), bad);
        }
    }
}
