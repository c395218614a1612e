package dev.portico.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Locks a client address out after too many wrong credentials: {@code maxFailures} failures within
 * {@code window} start a lockout that lasts {@code lockout}, whatever the address does meanwhile.
 *
 * <p>Callers record a failure only for a wrong credential, never for a missing one, so a client that
 * simply forgot its token is not locked out. A typical use, with the address from
 * {@link ClientAddress}:
 *
 * <pre>{@code
 * String address = ClientAddress.of(request, proxies).getHostAddress();
 * Optional<Duration> locked = limiter.lockedOut(address);
 * if (locked.isPresent()) {
 *     // answer 429 with Retry-After: locked.get(), rounded up to whole seconds
 * }
 * switch (authenticator.authenticate(request)) {
 *     case AuthResult.Rejected r -> limiter.recordFailure(address);
 *     case AuthResult.Authenticated a -> limiter.recordSuccess(address);
 *     default -> { }
 * }
 * }</pre>
 *
 * <p>Memory stays bounded: at most {@code maxTracked} addresses are tracked. When a new address
 * needs room, the address least recently active that is not locked out is forgotten first (its
 * failure count starts again from zero); only when every tracked address is locked out is the
 * lockout that ends soonest dropped. Addresses whose failures or lockout have expired are dropped
 * lazily. Each call takes amortised constant time.
 *
 * <p>Instances are safe to use from many threads; each call holds one lock for a short section that
 * never blocks.
 */
public final class FailedAuthLimiter {
    /** The default number of failures within the window that starts a lockout. */
    public static final int DEFAULT_MAX_FAILURES = 10;
    /** The default time for which a failure counts. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    /** The default length of a lockout. */
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(5);
    /** The default bound on tracked addresses. */
    public static final int DEFAULT_MAX_TRACKED = 10_000;

    private final Clock clock;
    private final Instant origin;
    private final int maxFailures;
    private final long windowNanos;
    private final long lockoutNanos;
    private final int maxTracked;

    private final Object lock = new Object();
    /** Addresses with recent failures and no lockout, least recently active first. */
    private final LinkedHashMap<String, Failures> counting = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * Locked-out addresses and when their lockout ends, in the order the lockouts began; as every
     * lockout lasts as long, that is also the order in which they end.
     */
    private final LinkedHashMap<String, Long> locked = new LinkedHashMap<>();
    /**
     * How many addresses are tracked, as of the last call; read without the lock so that, while no
     * address is tracked, {@link #lockedOut} and {@link #recordSuccess} cost one volatile read.
     */
    private volatile int size;

    private FailedAuthLimiter(Builder builder) {
        this.clock = builder.clock;
        this.origin = clock.instant();
        this.maxFailures = builder.maxFailures;
        this.windowNanos = saturatedNanos(builder.window);
        this.lockoutNanos = saturatedNanos(builder.lockout);
        this.maxTracked = builder.maxTracked;
    }

    /**
     * A builder with the defaults: the system clock, 10 failures within 60 seconds, a 5-minute
     * lockout and at most 10,000 tracked addresses.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How much longer an address is locked out.
     *
     * @param address the client address, such as {@code 203.0.113.7}
     * @return the remaining lockout, or empty when the address is not locked out now
     */
    public Optional<Duration> lockedOut(String address) {
        Objects.requireNonNull(address, "address");
        if (size == 0) {
            return Optional.empty();
        }
        synchronized (lock) {
            try {
                return lockedOutLocked(address);
            } finally {
                size = counting.size() + locked.size();
            }
        }
    }

    private Optional<Duration> lockedOutLocked(String address) {
        long now = now();
        dropExpired(now);
        Long until = locked.get(address);
        if (until == null) {
            return Optional.empty();
        }
        if (until > now) {
            return Optional.of(remaining(until, now));
        }
        locked.remove(address);
        return Optional.empty();
    }

    /**
     * Records a wrong credential from an address. Failures older than the window no longer count;
     * the failure that brings the count within the window to {@code maxFailures} starts a lockout.
     * A failure recorded during a lockout neither counts nor extends it.
     *
     * @param address the client address
     * @return the lockout when the address is locked out after this failure (the remaining time when
     *     it already was), else empty
     */
    public Optional<Duration> recordFailure(String address) {
        Objects.requireNonNull(address, "address");
        synchronized (lock) {
            try {
                return recordFailureLocked(address);
            } finally {
                size = counting.size() + locked.size();
            }
        }
    }

    private Optional<Duration> recordFailureLocked(String address) {
        long now = now();
        dropExpired(now);
        Long until = locked.get(address);
        if (until != null) {
            if (until > now) {
                return Optional.of(remaining(until, now));
            }
            locked.remove(address);
        }
        Failures failures = counting.get(address);
        if (failures == null) {
            makeRoom();
            failures = new Failures(Math.min(4, maxFailures));
            counting.put(address, failures);
        }
        failures.expire(now, windowNanos);
        failures.add(now, maxFailures);
        if (failures.size < maxFailures) {
            return Optional.empty();
        }
        counting.remove(address);
        long end = saturatedAdd(now, lockoutNanos);
        locked.put(address, end);
        return Optional.of(remaining(end, now));
    }

    /**
     * Records a correct credential from an address: its failure count is cleared. An active lockout
     * is neither ended nor shortened.
     *
     * @param address the client address
     */
    public void recordSuccess(String address) {
        Objects.requireNonNull(address, "address");
        if (size == 0) {
            return;
        }
        synchronized (lock) {
            try {
                recordSuccessLocked(address);
            } finally {
                size = counting.size() + locked.size();
            }
        }
    }

    private void recordSuccessLocked(String address) {
        long now = now();
        dropExpired(now);
        Long until = locked.get(address);
        if (until != null) {
            if (until > now) {
                return;
            }
            locked.remove(address);
        }
        counting.remove(address);
    }

    /**
     * How many addresses are tracked, counting those with recent failures and those locked out.
     * Expired entries that have not been dropped yet are included.
     *
     * @return the number of tracked addresses, at most {@code maxTracked}
     */
    public int tracked() {
        synchronized (lock) {
            return counting.size() + locked.size();
        }
    }

    /** Frees one slot when the bound is reached: the least recently active unlocked address first. */
    private void makeRoom() {
        while (counting.size() + locked.size() >= maxTracked) {
            Map<String, ?> victims = counting.isEmpty() ? locked : counting;
            Iterator<String> eldest = victims.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** Drops ended lockouts and stale failure counts from the front of each map. */
    private void dropExpired(long now) {
        Iterator<Long> lockouts = locked.values().iterator();
        while (lockouts.hasNext() && lockouts.next() <= now) {
            lockouts.remove();
        }
        Iterator<Failures> stale = counting.values().iterator();
        while (stale.hasNext() && saturatedSubtract(now, stale.next().newest()) >= windowNanos) {
            stale.remove();
        }
    }

    private long now() {
        return saturatedNanos(Duration.between(origin, clock.instant()));
    }

    private static Duration remaining(long until, long now) {
        return Duration.ofNanos(saturatedSubtract(until, now));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    private static long saturatedSubtract(long a, long b) {
        long difference = a - b;
        return ((a ^ b) & (a ^ difference)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : difference;
    }

    /** The times of an address's recent failures, oldest first, in a ring that grows on demand. */
    private static final class Failures {
        private long[] times;
        private int head;
        private int size;

        Failures(int capacity) {
            this.times = new long[capacity];
        }

        void expire(long now, long window) {
            while (size > 0 && saturatedSubtract(now, times[head]) >= window) {
                head = (head + 1) % times.length;
                size--;
            }
        }

        void add(long time, int max) {
            if (size == times.length) {
                long[] grown = new long[Math.min(max, times.length * 2)];
                for (int i = 0; i < size; i++) {
                    grown[i] = times[(head + i) % times.length];
                }
                times = grown;
                head = 0;
            }
            times[(head + size) % times.length] = time;
            size++;
        }

        long newest() {
            return times[(head + size - 1) % times.length];
        }
    }

    /** Configures a {@link FailedAuthLimiter}. Not safe for use by several threads at once. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int maxFailures = DEFAULT_MAX_FAILURES;
        private Duration window = DEFAULT_WINDOW;
        private Duration lockout = DEFAULT_LOCKOUT;
        private int maxTracked = DEFAULT_MAX_TRACKED;

        private Builder() {}

        /**
         * Sets the clock that times failures and lockouts.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how many failures within the window start a lockout.
         *
         * @param maxFailures the number of failures, &gt; 0; 10 by default
         * @return this builder
         */
        public Builder maxFailures(int maxFailures) {
            if (maxFailures <= 0) {
                throw new IllegalArgumentException("maxFailures: " + maxFailures + " (expected: > 0)");
            }
            this.maxFailures = maxFailures;
            return this;
        }

        /**
         * Sets how long a failure counts after it happens.
         *
         * @param window the window, positive; 60 seconds by default
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = positive("window", window);
            return this;
        }

        /**
         * Sets how long a lockout lasts.
         *
         * @param lockout the lockout, positive; 5 minutes by default
         * @return this builder
         */
        public Builder lockout(Duration lockout) {
            this.lockout = positive("lockout", lockout);
            return this;
        }

        /**
         * Sets how many addresses are tracked at most.
         *
         * @param maxTracked the bound, &gt; 0; 10,000 by default
         * @return this builder
         */
        public Builder maxTracked(int maxTracked) {
            if (maxTracked <= 0) {
                throw new IllegalArgumentException("maxTracked: " + maxTracked + " (expected: > 0)");
            }
            this.maxTracked = maxTracked;
            return this;
        }

        /**
         * Builds the limiter, which starts with no address tracked.
         *
         * @return the limiter
         */
        public FailedAuthLimiter build() {
            return new FailedAuthLimiter(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }
    }
}
