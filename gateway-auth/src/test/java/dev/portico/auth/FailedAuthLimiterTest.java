package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {
    static final String ADDRESS = "203.0.113.7";
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    final MutableClock clock = new MutableClock();
    final FailedAuthLimiter limiter = FailedAuthLimiter.builder().clock(clock).build();

    static void fail(FailedAuthLimiter limiter, String address, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(Optional.empty(), limiter.recordFailure(address), address + " failure " + (i + 1));
        }
    }

    @Test
    void tenWrongCredentialsWithinAMinuteLockOut() {
        fail(limiter, ADDRESS, 9);
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(Optional.of(FIVE_MINUTES), limiter.recordFailure(ADDRESS));
        assertEquals(Optional.of(FIVE_MINUTES), limiter.lockedOut(ADDRESS));
        assertEquals(Optional.empty(), limiter.lockedOut("203.0.113.8"));
    }

    @Test
    void tenWrongCredentialsSpreadOverLongerDoNotLockOut() {
        for (int i = 0; i < 30; i++) {
            assertEquals(Optional.empty(), limiter.recordFailure(ADDRESS), "failure " + i);
            clock.advance(Duration.ofMillis(6_700));
        }
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
    }

    @Test
    void theWindowSlides() {
        fail(limiter, ADDRESS, 1);
        clock.advance(Duration.ofSeconds(50));
        fail(limiter, ADDRESS, 8);
        clock.advance(Duration.ofSeconds(10));
        // The first failure is now exactly a window old and no longer counts: nine remain.
        fail(limiter, ADDRESS, 1);
        assertEquals(Optional.of(FIVE_MINUTES), limiter.recordFailure(ADDRESS));
    }

    @Test
    void aFailureCountsUntilTheWindowHasPassed() {
        fail(limiter, ADDRESS, 1);
        clock.advance(Duration.ofSeconds(60).minusNanos(1));
        fail(limiter, ADDRESS, 8);
        assertEquals(Optional.of(FIVE_MINUTES), limiter.recordFailure(ADDRESS));
    }

    @Test
    void theLockoutEnds() {
        fail(limiter, ADDRESS, 9);
        limiter.recordFailure(ADDRESS);
        clock.advance(Duration.ofMinutes(5).minusNanos(1));
        assertEquals(Optional.of(Duration.ofNanos(1)), limiter.lockedOut(ADDRESS));
        clock.advance(Duration.ofNanos(1));
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
        // Counting starts again from zero.
        fail(limiter, ADDRESS, 9);
        assertTrue(limiter.recordFailure(ADDRESS).isPresent());
    }

    @Test
    void theRemainingTimeDecreasesWithTheClock() {
        fail(limiter, ADDRESS, 9);
        limiter.recordFailure(ADDRESS);
        for (int second = 0; second < 300; second += 7) {
            assertEquals(Optional.of(FIVE_MINUTES.minusSeconds(second)), limiter.lockedOut(ADDRESS));
            clock.advance(Duration.ofSeconds(7));
        }
        clock.advance(Duration.ofMillis(1_500));
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
    }

    @Test
    void aSuccessDoesNotEndOrShortenALockout() {
        fail(limiter, ADDRESS, 10 - 1);
        limiter.recordFailure(ADDRESS);
        clock.advance(Duration.ofMinutes(1));
        limiter.recordSuccess(ADDRESS);
        assertEquals(Optional.of(Duration.ofMinutes(4)), limiter.lockedOut(ADDRESS));
        clock.advance(Duration.ofMinutes(4));
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
    }

    @Test
    void aFailureDuringALockoutNeitherCountsNorExtendsIt() {
        fail(limiter, ADDRESS, 9);
        limiter.recordFailure(ADDRESS);
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Optional.of(Duration.ofMinutes(3)), limiter.recordFailure(ADDRESS));
        assertEquals(Optional.of(Duration.ofMinutes(3)), limiter.lockedOut(ADDRESS));
        clock.advance(Duration.ofMinutes(3));
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
        fail(limiter, ADDRESS, 9);
    }

    @Test
    void aSuccessClearsTheFailureCount() {
        fail(limiter, ADDRESS, 9);
        limiter.recordSuccess(ADDRESS);
        assertEquals(0, limiter.tracked());
        fail(limiter, ADDRESS, 9);
        assertEquals(Optional.of(FIVE_MINUTES), limiter.recordFailure(ADDRESS));
    }

    @Test
    void aSuccessForAnUnknownAddressTracksNothing() {
        limiter.recordSuccess(ADDRESS);
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
        assertEquals(0, limiter.tracked());
    }

    @Test
    void addressesAreCountedApart() {
        fail(limiter, "198.51.100.1", 9);
        fail(limiter, "198.51.100.2", 9);
        assertTrue(limiter.recordFailure("198.51.100.1").isPresent());
        assertEquals(Optional.empty(), limiter.lockedOut("198.51.100.2"));
    }

    @Test
    void settingsAreHonoured() {
        FailedAuthLimiter strict = FailedAuthLimiter.builder().clock(clock)
                .maxFailures(3).window(Duration.ofSeconds(10)).lockout(Duration.ofSeconds(30)).build();
        fail(strict, ADDRESS, 2);
        clock.advance(Duration.ofSeconds(10));
        fail(strict, ADDRESS, 2);
        assertEquals(Optional.of(Duration.ofSeconds(30)), strict.recordFailure(ADDRESS));

        FailedAuthLimiter once = FailedAuthLimiter.builder().clock(clock).maxFailures(1).build();
        assertEquals(Optional.of(FIVE_MINUTES), once.recordFailure(ADDRESS));
    }

    @Test
    void memoryStaysBoundedAndALockoutSurvivesThePressure() {
        fail(limiter, ADDRESS, 9);
        limiter.recordFailure(ADDRESS);
        for (int i = 0; i < 100_000; i++) {
            limiter.recordFailure("10." + (i >>> 16) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff));
            assertTrue(limiter.tracked() <= FailedAuthLimiter.DEFAULT_MAX_TRACKED);
        }
        assertEquals(FailedAuthLimiter.DEFAULT_MAX_TRACKED, limiter.tracked());
        assertEquals(Optional.of(FIVE_MINUTES), limiter.lockedOut(ADDRESS));
    }

    @Test
    void theLeastRecentlyActiveUnlockedAddressIsForgottenFirst() {
        FailedAuthLimiter small = FailedAuthLimiter.builder().clock(clock).maxFailures(3).maxTracked(3).build();
        fail(small, "a", 1);
        fail(small, "b", 1);
        fail(small, "c", 1);
        fail(small, "a", 1);
        fail(small, "d", 1);
        assertEquals(3, small.tracked());
        assertTrue(small.recordFailure("a").isPresent());
        // b was forgotten: its earlier failure no longer counts, so two more do not lock it out.
        fail(small, "b", 2);
        assertTrue(small.recordFailure("b").isPresent());
        assertEquals(3, small.tracked());
    }

    @Test
    void whenEveryAddressIsLockedOutTheOneEndingSoonestIsDropped() {
        FailedAuthLimiter small = FailedAuthLimiter.builder().clock(clock).maxFailures(1).maxTracked(3).build();
        for (String address : List.of("a", "b", "c", "d")) {
            assertTrue(small.recordFailure(address).isPresent());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(3, small.tracked());
        assertEquals(Optional.empty(), small.lockedOut("a"));
        assertTrue(small.lockedOut("b").isPresent());
        assertTrue(small.lockedOut("c").isPresent());
        assertTrue(small.lockedOut("d").isPresent());
    }

    @Test
    void lockedOutAddressesAreKeptWhileUnlockedOnesCanGo() {
        FailedAuthLimiter small = FailedAuthLimiter.builder().clock(clock).maxFailures(2).maxTracked(3).build();
        fail(small, "locked-1", 1);
        small.recordFailure("locked-1");
        fail(small, "x", 1);
        fail(small, "locked-2", 1);
        small.recordFailure("locked-2");
        for (int i = 0; i < 50; i++) {
            fail(small, "noise-" + i, 1);
        }
        assertEquals(3, small.tracked());
        assertTrue(small.lockedOut("locked-1").isPresent());
        assertTrue(small.lockedOut("locked-2").isPresent());
    }

    @Test
    void expiredEntriesAreDroppedLazily() {
        fail(limiter, "198.51.100.1", 3);
        fail(limiter, "198.51.100.2", 10 - 1);
        limiter.recordFailure("198.51.100.2");
        assertEquals(2, limiter.tracked());
        clock.advance(Duration.ofMinutes(5));
        limiter.lockedOut("192.0.2.1");
        assertEquals(0, limiter.tracked());
    }

    @Test
    void aClockThatGoesBackDoesNotBreakAnything() {
        fail(limiter, ADDRESS, 9);
        limiter.recordFailure(ADDRESS);
        clock.advance(Duration.ofMinutes(-10));
        assertEquals(Optional.of(Duration.ofMinutes(15)), limiter.lockedOut(ADDRESS));
        clock.advance(Duration.ofMinutes(15));
        assertEquals(Optional.empty(), limiter.lockedOut(ADDRESS));
    }

    @Test
    void concurrentFailuresAreEachCountedOnce() throws Exception {
        FailedAuthLimiter shared = FailedAuthLimiter.builder().clock(clock).maxFailures(1_000).maxTracked(500).build();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                int counted = 0;
                for (int i = 0; i < 2_000; i++) {
                    if (shared.recordFailure(ADDRESS).isEmpty()) {
                        counted++;
                    }
                    shared.recordFailure("192.0." + thread + "." + (i & 0xff));
                    shared.lockedOut("192.0." + thread + "." + (i & 0xff));
                }
                return counted;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            int counted = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                counted += f.get();
            }
            assertEquals(999, counted);
        } finally {
            pool.shutdown();
        }
        assertTrue(shared.tracked() <= 500);
        assertEquals(Optional.of(FIVE_MINUTES), shared.lockedOut(ADDRESS));
    }

    @Test
    void settingsAreValidated() {
        FailedAuthLimiter.Builder b = FailedAuthLimiter.builder();
        assertEquals("maxFailures: 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> b.maxFailures(0)).getMessage());
        assertEquals("maxTracked: -1 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> b.maxTracked(-1)).getMessage());
        assertEquals("window: PT0S (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> b.window(Duration.ZERO)).getMessage());
        assertEquals("lockout: PT-1S (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> b.lockout(Duration.ofSeconds(-1))).getMessage());
        assertThrows(NullPointerException.class, () -> b.clock(null));
        assertThrows(NullPointerException.class, () -> b.window(null));
        assertThrows(NullPointerException.class, () -> limiter.recordFailure(null));
        assertThrows(NullPointerException.class, () -> limiter.recordSuccess(null));
        assertThrows(NullPointerException.class, () -> limiter.lockedOut(null));
    }
}
