package dev.portico.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits request rates with token buckets, one bucket per key (a credential id or a client address)
 * in each configured bucket class.
 *
 * <p>A bucket class has a refill rate in tokens per minute and a burst, the most tokens a bucket
 * holds. A new key starts with a full bucket; each allowed request takes one token; tokens come
 * back continuously, in fractions of a token, and never beyond the burst.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder()
 *         .bucket("chat", 180)
 *         .bucket("strict", 15)
 *         .build();
 * RateLimiter.Decision d = limiter.tryAcquire("chat", address);
 * if (!d.allowed()) {
 *     // answer 429 with Retry-After: d.retryAfterSeconds()
 * }
 * }</pre>
 *
 * <p>Memory stays bounded: each bucket class keeps at most {@code maxKeys} keys and forgets the
 * least recently used one to make room for a new key; a forgotten key starts again with a full
 * bucket. Keys whose bucket has refilled completely carry no state and are dropped lazily. Each call
 * takes amortised constant time.
 *
 * <p>Instances are safe to use from many threads; a call holds the lock of its bucket class for a
 * short section that never blocks.
 */
public final class RateLimiter {
    /** The default bound on keys kept per bucket class. */
    public static final int DEFAULT_MAX_KEYS = 10_000;
    /** The largest burst a bucket class may have. */
    public static final int MAX_BURST = 100_000_000;

    /** The internal unit of one token: a rate of one token per minute adds one unit per nanosecond. */
    private static final long UNIT = 60_000_000_000L;

    private final Map<String, BucketClass> classes;
    private final Clock clock;
    private final Instant origin;

    private RateLimiter(Builder builder) {
        this.clock = builder.clock;
        this.origin = clock.instant();
        Map<String, BucketClass> map = new LinkedHashMap<>();
        for (Bucket bucket : builder.buckets.values()) {
            map.put(bucket.name(), new BucketClass(bucket, builder.maxKeys));
        }
        this.classes = Collections.unmodifiableMap(map);
    }

    /**
     * A builder with no bucket class, the system clock and at most 10,000 keys per bucket class.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes one token from a key's bucket when one is available.
     *
     * @param bucket the bucket class name, such as {@code chat}
     * @param key the key, such as a credential id or a client address
     * @return whether the request is allowed, with the whole tokens left and, when refused, the time
     *     until a token is available
     * @throws IllegalArgumentException when no bucket class has that name
     */
    public Decision tryAcquire(String bucket, String key) {
        Objects.requireNonNull(key, "key");
        BucketClass c = bucketClass(bucket);
        synchronized (c) {
            return c.acquire(key, now());
        }
    }

    /**
     * How many keys a bucket class keeps, including full buckets that have not been dropped yet.
     *
     * @param bucket the bucket class name
     * @return the number of keys, at most {@code maxKeys}
     * @throws IllegalArgumentException when no bucket class has that name
     */
    public int tracked(String bucket) {
        BucketClass c = bucketClass(bucket);
        synchronized (c) {
            return c.states.size();
        }
    }

    private BucketClass bucketClass(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        BucketClass c = classes.get(bucket);
        if (c == null) {
            throw new IllegalArgumentException("bucket: " + bucket + " (expected: one of " + classes.keySet() + ")");
        }
        return c;
    }

    private long now() {
        Duration elapsed = Duration.between(origin, clock.instant());
        try {
            return elapsed.toNanos();
        } catch (ArithmeticException e) {
            return elapsed.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * A bucket class.
     *
     * @param name the name requests refer to, not blank
     * @param perMinute the refill rate in tokens per minute, &gt; 0
     * @param burst the most tokens a bucket holds, 1..{@link RateLimiter#MAX_BURST}
     */
    public record Bucket(String name, int perMinute, int burst) {
        /**
         * Validates the bucket class.
         *
         * @param name the name, not blank
         * @param perMinute the refill rate, &gt; 0
         * @param burst the capacity, 1..{@link RateLimiter#MAX_BURST}
         */
        public Bucket {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: must not be blank");
            }
            if (perMinute <= 0) {
                throw new IllegalArgumentException("perMinute: " + perMinute + " (expected: > 0)");
            }
            if (burst <= 0 || burst > MAX_BURST) {
                throw new IllegalArgumentException("burst: " + burst + " (expected: 1.." + MAX_BURST + ")");
            }
        }

        /**
         * A bucket class whose burst equals its rate per minute.
         *
         * @param name the name, not blank
         * @param perMinute the refill rate and burst, 1..{@link RateLimiter#MAX_BURST}
         */
        public Bucket(String name, int perMinute) {
            this(name, perMinute, perMinute);
        }
    }

    /**
     * The outcome of {@link RateLimiter#tryAcquire}.
     *
     * @param allowed whether a token was taken and the request may go ahead
     * @param remaining the whole tokens left in the bucket, &gt;= 0
     * @param retryAfter zero when allowed, else how long until one token is available
     */
    public record Decision(boolean allowed, long remaining, Duration retryAfter) {
        /**
         * Validates the decision.
         *
         * @param allowed whether the request may go ahead
         * @param remaining the whole tokens left, &gt;= 0
         * @param retryAfter zero when allowed, else positive
         */
        public Decision {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (remaining < 0) {
                throw new IllegalArgumentException("remaining: " + remaining + " (expected: >= 0)");
            }
            if (allowed ? !retryAfter.isZero() : retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("retryAfter: " + retryAfter
                        + (allowed ? " (expected: zero when allowed)" : " (expected: > 0 when refused)"));
            }
        }

        /**
         * The retry delay in whole seconds, rounded up, as a {@code Retry-After} header carries it.
         *
         * @return 0 when allowed, else at least 1
         */
        public long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds();
            return retryAfter.getNano() > 0 ? seconds + 1 : seconds;
        }
    }

    /** The keys of one bucket class, least recently used first; guarded by its own monitor. */
    private static final class BucketClass {
        private final int perMinute;
        private final long capacity;
        private final int maxKeys;
        private final LinkedHashMap<String, State> states = new LinkedHashMap<>(16, 0.75f, true);

        BucketClass(Bucket bucket, int maxKeys) {
            this.perMinute = bucket.perMinute();
            this.capacity = bucket.burst() * UNIT;
            this.maxKeys = maxKeys;
        }

        Decision acquire(String key, long now) {
            dropFull(now);
            State state = states.get(key);
            if (state == null) {
                if (states.size() >= maxKeys) {
                    Iterator<State> eldest = states.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
                state = new State(capacity, now);
                states.put(key, state);
            } else {
                refill(state, now);
            }
            if (state.units >= UNIT) {
                state.units -= UNIT;
                return new Decision(true, state.units / UNIT, Duration.ZERO);
            }
            return new Decision(false, 0, Duration.ofNanos(Math.ceilDiv(UNIT - state.units, perMinute)));
        }

        /** Drops keys from the least recently used end while their bucket would be full by now. */
        private void dropFull(long now) {
            Iterator<State> eldest = states.values().iterator();
            while (eldest.hasNext() && refilledBy(eldest.next(), now) >= capacity) {
                eldest.remove();
            }
        }

        private void refill(State state, long now) {
            state.units = refilledBy(state, now);
            if (now > state.last) {
                state.last = now;
            }
        }

        /** The units a bucket holds at {@code now}; a clock that went back adds nothing. */
        private long refilledBy(State state, long now) {
            long deficit = capacity - state.units;
            if (deficit <= 0 || now <= state.last) {
                return state.units;
            }
            long elapsed = now - state.last;
            if (elapsed < 0 || elapsed >= Math.ceilDiv(deficit, perMinute)) {
                return capacity;
            }
            return state.units + elapsed * perMinute;
        }
    }

    /**
     * One key's bucket: its tokens, in units of one 60-billionth of a token, and the time they were
     * last brought up to date.
     */
    private static final class State {
        long units;
        long last;

        State(long units, long last) {
            this.units = units;
            this.last = last;
        }
    }

    /** Configures a {@link RateLimiter}. Not safe for use by several threads at once. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int maxKeys = DEFAULT_MAX_KEYS;
        private final Map<String, Bucket> buckets = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the clock that drives refills.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how many keys each bucket class keeps at most.
         *
         * @param maxKeys the bound, &gt; 0; 10,000 by default
         * @return this builder
         */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys <= 0) {
                throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: > 0)");
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * Adds a bucket class.
         *
         * @param bucket the bucket class, named unlike any added before
         * @return this builder
         */
        public Builder bucket(Bucket bucket) {
            Objects.requireNonNull(bucket, "bucket");
            if (buckets.containsKey(bucket.name())) {
                throw new IllegalArgumentException("bucket: " + bucket.name() + " (expected: a name not already added)");
            }
            buckets.put(bucket.name(), bucket);
            return this;
        }

        /**
         * Adds a bucket class whose burst equals its rate.
         *
         * @param name the name, not blank
         * @param perMinute the refill rate and burst
         * @return this builder
         */
        public Builder bucket(String name, int perMinute) {
            return bucket(new Bucket(name, perMinute));
        }

        /**
         * Adds a bucket class.
         *
         * @param name the name, not blank
         * @param perMinute the refill rate in tokens per minute
         * @param burst the most tokens a bucket holds
         * @return this builder
         */
        public Builder bucket(String name, int perMinute, int burst) {
            return bucket(new Bucket(name, perMinute, burst));
        }

        /**
         * Builds the limiter, which starts with no key tracked.
         *
         * @return the limiter
         * @throws IllegalStateException when no bucket class was added
         */
        public RateLimiter build() {
            if (buckets.isEmpty()) {
                throw new IllegalStateException("no bucket class added (expected: at least one)");
            }
            return new RateLimiter(this);
        }
    }
}
