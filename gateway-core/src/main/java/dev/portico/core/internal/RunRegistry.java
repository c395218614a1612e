package dev.portico.core.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runs by id: those in flight, and those finished recently enough to be collected. Finished
 * runs are forgotten oldest first, after the grace period or beyond a bound, so memory stays
 * bounded however busy the gateway is.
 *
 * <p>Runs are spread by id over {@value #SEGMENTS} segments, each a plain map under its own lock:
 * every turn adds a run and later retires one, and a single lock (or a concurrent map's shared
 * size counter) was contended enough to show in a profile. The bound is kept per segment, so the
 * oldest finished run of a segment goes first.
 */
final class RunRegistry {
    private static final int SEGMENT_BITS = 4;
    static final int SEGMENTS = 1 << SEGMENT_BITS;

    private final Segment[] segments = new Segment[SEGMENTS];

    /**
     * Creates a registry.
     *
     * @param maxFinished the most finished runs kept, at least {@value #SEGMENTS}
     */
    RunRegistry(int maxFinished) {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(Math.max(1, maxFinished / SEGMENTS));
        }
    }

    private Segment segment(String id) {
        // The top bits of a multiplicative hash: the segment's map picks buckets by the low bits of
        // the (spread) hash, which must not all be alike within a segment.
        return segments[(id.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - SEGMENT_BITS)];
    }

    void add(Run run) {
        Segment s = segment(run.id());
        s.lock.lock();
        try {
            s.byId.put(run.id(), run);
            s.inFlight.add(run);
        } finally {
            s.lock.unlock();
        }
    }

    Optional<Run> find(String id) {
        Segment s = segment(id);
        s.lock.lock();
        try {
            return Optional.ofNullable(s.byId.get(id));
        } finally {
            s.lock.unlock();
        }
    }

    /** Records that a run has finished, forgetting its segment's oldest finished run beyond the bound. */
    void finished(Run run) {
        Segment s = segment(run.id());
        s.lock.lock();
        try {
            s.inFlight.remove(run);
            s.finished.addLast(run);
            if (s.finished.size() > s.maxFinished) {
                s.byId.remove(s.finished.removeFirst().id());
            }
        } finally {
            s.lock.unlock();
        }
    }

    /** Forgets the runs that finished before {@code expiry}. */
    void expire(Instant expiry) {
        for (Segment s : segments) {
            s.lock.lock();
            try {
                for (Run oldest = s.finished.peekFirst(); oldest != null
                        && oldest.finishedAt().map(t -> t.isBefore(expiry)).orElse(false); oldest = s.finished.peekFirst()) {
                    s.byId.remove(s.finished.removeFirst().id());
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** The runs that have not finished, as they are now. */
    List<Run> inFlight() {
        List<Run> out = new ArrayList<>();
        for (Segment s : segments) {
            s.lock.lock();
            try {
                out.addAll(s.inFlight);
            } finally {
                s.lock.unlock();
            }
        }
        return out;
    }

    /** How many finished runs are kept. */
    int finishedCount() {
        int n = 0;
        for (Segment s : segments) {
            s.lock.lock();
            try {
                n += s.finished.size();
            } finally {
                s.lock.unlock();
            }
        }
        return n;
    }

    private static final class Segment {
        final int maxFinished;
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, Run> byId = new HashMap<>();
        final Set<Run> inFlight = new HashSet<>();
        /** Finished runs, oldest first. */
        final ArrayDeque<Run> finished = new ArrayDeque<>();

        Segment(int maxFinished) {
            this.maxFinished = maxFinished;
        }
    }
}
