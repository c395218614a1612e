package dev.portico.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the platform event ids seen recently, so that a platform's retry of an event (Slack
 * resends until it is answered in time, Telegram after a lost answer) is answered once. An id is
 * remembered for the window; memory is bounded by a maximum number of ids, beyond which the oldest
 * are forgotten first.
 */
final class EventDedupe {
    /** How long an event id is remembered. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    /** The most ids remembered at once. */
    static final int MAX_IDS = 100_000;

    private final Clock clock;
    private final long windowMillis;
    private final int maxIds;
    /** Id → when it was first seen (epoch millis), oldest first. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    EventDedupe(Clock clock, Duration window, int maxIds) {
        this.clock = clock;
        this.windowMillis = window.toMillis();
        this.maxIds = maxIds;
    }

    /**
     * Records an id.
     *
     * @param id the event id, qualified by channel and account
     * @return true the first time within the window; false for a repeat
     */
    synchronized boolean firstSeen(String id) {
        long now = clock.millis();
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> oldest = it.next();
            if (now - oldest.getValue() < windowMillis && seen.size() < maxIds) {
                break;
            }
            it.remove();
        }
        return seen.putIfAbsent(id, now) == null;
    }

    /** @return how many ids are remembered */
    synchronized int size() {
        return seen.size();
    }
}
