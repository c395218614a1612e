package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Platform event ids, remembered for a window within a bounded memory. */
class EventDedupeTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void aRepeatWithinTheWindowIsRecognisedAndAfterItIsNot() {
        EventDedupe dedupe = new EventDedupe(clock, Duration.ofMinutes(10), 100);
        assertTrue(dedupe.firstSeen("telegram\ndefault\n1"));
        clock.advance(Duration.ofMinutes(9));
        assertFalse(dedupe.firstSeen("telegram\ndefault\n1"));
        assertTrue(dedupe.firstSeen("telegram\ndefault\n2"));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(dedupe.firstSeen("telegram\ndefault\n1"), "forgotten once the window has passed");
    }

    @Test
    void memoryIsBoundedByForgettingTheOldestFirst() {
        EventDedupe dedupe = new EventDedupe(clock, Duration.ofMinutes(10), 3);
        for (int i = 0; i < 10; i++) {
            assertTrue(dedupe.firstSeen("e" + i));
        }
        assertEquals(3, dedupe.size());
        assertFalse(dedupe.firstSeen("e9"));
        assertTrue(dedupe.firstSeen("e0"), "the oldest was forgotten");
    }
}
