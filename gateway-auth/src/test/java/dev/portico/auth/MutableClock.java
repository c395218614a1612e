package dev.portico.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for tests that moves only when told to. */
final class MutableClock extends Clock {
    private volatile Instant now;

    /**
     * Starts the clock.
     *
     * @param start the first instant
     */
    MutableClock(Instant start) {
        this.now = start;
    }

    /** Starts the clock at 2025-01-01T00:00:00Z. */
    MutableClock() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock; a negative duration moves it back.
     *
     * @param d how far
     */
    synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
