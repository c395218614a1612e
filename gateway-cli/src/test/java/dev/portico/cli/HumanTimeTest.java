package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Relative times and durations as the cron tables show them, against a fixed clock. */
class HumanTimeTest {
    static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    final HumanTime time = new HumanTime(Clock.fixed(NOW, ZoneOffset.UTC));

    String in(Duration d) {
        return time.relative(NOW.plus(d));
    }

    @Test
    void timesToComeInTheirTwoLargestUnits() {
        assertEquals("in 3h 12m", in(Duration.ofHours(3).plusMinutes(12).plusSeconds(40)));
        assertEquals("in 45s", in(Duration.ofSeconds(45)));
        assertEquals("in 2d 4h", in(Duration.ofDays(2).plusHours(4).plusMinutes(59)));
        assertEquals("in 1m 30s", in(Duration.ofSeconds(90)));
        assertEquals("in 3h", in(Duration.ofHours(3).plusSeconds(20)), "a zero second unit is left out, not skipped over");
        assertEquals("in 5m", in(Duration.ofMinutes(5).plusMillis(999)));
    }

    @Test
    void timesPastInTheirLargestUnit() {
        assertEquals("5m ago", in(Duration.ofMinutes(-5).minusSeconds(59)));
        assertEquals("1h ago", in(Duration.ofMinutes(-61)));
        assertEquals("3d ago", in(Duration.ofDays(-3).minusHours(23)));
        assertEquals("2s ago", in(Duration.ofSeconds(-2)));
    }

    @Test
    void withinASecondIsJustNow() {
        assertEquals("just now", in(Duration.ZERO));
        assertEquals("just now", in(Duration.ofMillis(-999)));
        assertEquals("just now", in(Duration.ofMillis(999)));
        assertTrue(time.due(NOW.plusMillis(999)));
        assertTrue(time.due(NOW.minusSeconds(30)));
        assertFalse(time.due(NOW.plusSeconds(1)));
    }

    @Test
    void durationsOfRuns() {
        assertEquals("0ms", HumanTime.duration(Duration.ZERO));
        assertEquals("850ms", HumanTime.duration(Duration.ofMillis(850)));
        assertEquals("2.3s", HumanTime.duration(Duration.ofMillis(2_399)));
        assertEquals("59.9s", HumanTime.duration(Duration.ofMillis(59_999)));
        assertEquals("1m 5s", HumanTime.duration(Duration.ofSeconds(65)));
        assertEquals("2h", HumanTime.duration(Duration.ofHours(2).plusSeconds(5)));
    }
}
