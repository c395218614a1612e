package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.auth.RateLimiter.Bucket;
import dev.portico.auth.RateLimiter.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    final MutableClock clock = new MutableClock();
    final RateLimiter limiter = RateLimiter.builder()
            .clock(clock)
            .bucket("chat", 180)
            .bucket("strict", 15)
            .bucket(new Bucket("login", 6, 2))
            .build();

    void drain(String bucket, String key, int tokens) {
        for (int i = 0; i < tokens; i++) {
            assertTrue(limiter.tryAcquire(bucket, key).allowed(), bucket + " " + key + " token " + i);
        }
    }

    @Test
    void aBurstIsAllowedThenRefusedUntilATokenReturns() {
        for (int i = 14; i >= 0; i--) {
            assertEquals(new Decision(true, i, Duration.ZERO), limiter.tryAcquire("strict", "k"));
        }
        assertEquals(new Decision(false, 0, Duration.ofSeconds(4)), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofMillis(3_999));
        assertEquals(new Decision(false, 0, Duration.ofMillis(1)), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofMillis(1));
        assertEquals(new Decision(true, 0, Duration.ZERO), limiter.tryAcquire("strict", "k"));
        assertEquals(new Decision(false, 0, Duration.ofSeconds(4)), limiter.tryAcquire("strict", "k"));
    }

    @Test
    void retryAfterIsExactForRatesThatDoNotDivideAMinute() {
        drain("chat", "k", 180);
        Decision refused = limiter.tryAcquire("chat", "k");
        assertEquals(new Decision(false, 0, Duration.ofNanos(333_333_334)), refused);
        assertEquals(1, refused.retryAfterSeconds());
        clock.advance(Duration.ofNanos(333_333_333));
        assertEquals(Duration.ofNanos(1), limiter.tryAcquire("chat", "k").retryAfter());
        clock.advance(Duration.ofNanos(1));
        assertTrue(limiter.tryAcquire("chat", "k").allowed());
        // Three tokens a second: after one second, exactly three more.
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire("chat", "k").allowed(), "token " + i);
        }
        assertFalse(limiter.tryAcquire("chat", "k").allowed());
    }

    @Test
    void tokensRefillInFractions() {
        drain("strict", "k", 15);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(new Decision(false, 0, Duration.ofSeconds(2)), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new Decision(false, 0, Duration.ofSeconds(1)), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(limiter.tryAcquire("strict", "k").allowed());
    }

    @Test
    void refillOverTimeRestoresTheRemainingCount() {
        drain("strict", "k", 15);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(new Decision(true, 6, Duration.ZERO), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(new Decision(true, 8, Duration.ZERO), limiter.tryAcquire("strict", "k"));
    }

    @Test
    void tokensNeverExceedTheBurst() {
        drain("strict", "k", 5);
        clock.advance(Duration.ofHours(3));
        drain("strict", "k", 15);
        assertFalse(limiter.tryAcquire("strict", "k").allowed());

        drain("login", "k", 2);
        assertEquals(new Decision(false, 0, Duration.ofSeconds(10)), limiter.tryAcquire("login", "k"));
        clock.advance(Duration.ofMinutes(10));
        drain("login", "k", 2);
        assertFalse(limiter.tryAcquire("login", "k").allowed());
    }

    @Test
    void keysAndBucketsAreIndependent() {
        drain("strict", "203.0.113.7", 15);
        assertFalse(limiter.tryAcquire("strict", "203.0.113.7").allowed());
        drain("strict", "203.0.113.8", 15);
        drain("chat", "203.0.113.7", 180);
        drain("login", "203.0.113.7", 2);
        assertEquals(1, limiter.tracked("login"));
        assertEquals(2, limiter.tracked("strict"));
        assertEquals(1, limiter.tracked("chat"));
    }

    @Test
    void aClockThatGoesBackAddsNoTokens() {
        drain("strict", "k", 15);
        clock.advance(Duration.ofMinutes(-5));
        assertEquals(new Decision(false, 0, Duration.ofSeconds(4)), limiter.tryAcquire("strict", "k"));
        clock.advance(Duration.ofMinutes(5));
        assertFalse(limiter.tryAcquire("strict", "k").allowed());
        clock.advance(Duration.ofSeconds(4));
        assertTrue(limiter.tryAcquire("strict", "k").allowed());
    }

    @Test
    void theKeyCountStaysBounded() {
        RateLimiter bounded = RateLimiter.builder().clock(clock).bucket("chat", 180).maxKeys(100).build();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(bounded.tryAcquire("chat", "key-" + i).allowed());
            assertTrue(bounded.tracked("chat") <= 100);
        }
        assertEquals(100, bounded.tracked("chat"));

        for (int i = 0; i < 20_000; i++) {
            limiter.tryAcquire("strict", "key-" + i);
        }
        assertEquals(RateLimiter.DEFAULT_MAX_KEYS, limiter.tracked("strict"));
    }

    @Test
    void theLeastRecentlyUsedKeyIsForgotten() {
        RateLimiter two = RateLimiter.builder().clock(clock).bucket("strict", 15).maxKeys(2).build();
        for (String key : List.of("a", "b")) {
            for (int i = 0; i < 15; i++) {
                two.tryAcquire("strict", key);
            }
        }
        assertFalse(two.tryAcquire("strict", "a").allowed());
        assertTrue(two.tryAcquire("strict", "c").allowed());
        assertFalse(two.tryAcquire("strict", "a").allowed());
        // b was forgotten, so it starts again with a full bucket.
        assertEquals(new Decision(true, 14, Duration.ZERO), two.tryAcquire("strict", "b"));
    }

    @Test
    void fullBucketsAreDroppedLazily() {
        drain("strict", "a", 1);
        drain("strict", "b", 3);
        assertEquals(2, limiter.tracked("strict"));
        // a is full again after 4 s and goes; b, behind it, is not yet.
        clock.advance(Duration.ofSeconds(4));
        limiter.tryAcquire("strict", "c");
        assertEquals(2, limiter.tracked("strict"));
        // b and c are full again after 12 s; c comes back as a new key.
        clock.advance(Duration.ofSeconds(8));
        assertEquals(new Decision(true, 14, Duration.ZERO), limiter.tryAcquire("strict", "c"));
        assertEquals(1, limiter.tracked("strict"));
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(() -> {
                int allowed = 0;
                for (int i = 0; i < 500; i++) {
                    if (limiter.tryAcquire("chat", "shared").allowed()) {
                        allowed++;
                    }
                }
                return allowed;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            int allowed = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                allowed += f.get();
            }
            assertEquals(180, allowed);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anUnknownBucketIsRefusedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> limiter.tryAcquire("chatt", "k"));
        assertEquals("bucket: chatt (expected: one of [chat, strict, login])", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> limiter.tracked("nope"));
        assertThrows(NullPointerException.class, () -> limiter.tryAcquire(null, "k"));
        assertThrows(NullPointerException.class, () -> limiter.tryAcquire("chat", null));
    }

    @Test
    void bucketsAreValidated() {
        assertEquals(new Bucket("chat", 180, 180), new Bucket("chat", 180));
        assertEquals("perMinute: 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> new Bucket("x", 0, 1)).getMessage());
        assertEquals("burst: 0 (expected: 1..100000000)",
                assertThrows(IllegalArgumentException.class, () -> new Bucket("x", 1, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Bucket("x", 1, RateLimiter.MAX_BURST + 1));
        assertThrows(IllegalArgumentException.class, () -> new Bucket(" ", 1, 1));
        assertThrows(NullPointerException.class, () -> new Bucket(null, 1, 1));
        assertEquals("bucket: chat (expected: a name not already added)",
                assertThrows(IllegalArgumentException.class,
                        () -> RateLimiter.builder().bucket("chat", 1).bucket("chat", 2)).getMessage());
        assertThrows(IllegalStateException.class, () -> RateLimiter.builder().build());
        assertEquals("maxKeys: 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> RateLimiter.builder().maxKeys(0)).getMessage());
        assertThrows(NullPointerException.class, () -> RateLimiter.builder().clock(null));
    }

    @Test
    void theLargestBurstAndRateWork() {
        RateLimiter big = RateLimiter.builder().clock(clock)
                .bucket("big", Integer.MAX_VALUE, RateLimiter.MAX_BURST).build();
        assertEquals(new Decision(true, RateLimiter.MAX_BURST - 1, Duration.ZERO), big.tryAcquire("big", "k"));
        clock.advance(Duration.ofDays(365 * 1000));
        assertEquals(new Decision(true, RateLimiter.MAX_BURST - 1, Duration.ZERO), big.tryAcquire("big", "k"));
    }

    @Test
    void decisionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Decision(true, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Decision(false, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Decision(false, 0, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new Decision(true, -1, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new Decision(true, 0, null));
    }

    @Test
    void retryAfterSecondsRoundsUp() {
        assertEquals(0, new Decision(true, 3, Duration.ZERO).retryAfterSeconds());
        assertEquals(1, new Decision(false, 0, Duration.ofNanos(1)).retryAfterSeconds());
        assertEquals(4, new Decision(false, 0, Duration.ofSeconds(4)).retryAfterSeconds());
        assertEquals(5, new Decision(false, 0, Duration.ofMillis(4_001)).retryAfterSeconds());
    }
}
