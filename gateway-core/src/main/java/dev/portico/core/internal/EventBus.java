package dev.portico.core.internal;

import dev.portico.api.event.GatewayEvent;
import dev.portico.api.event.GatewayEventListener;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Publishes gateway events: numbers them in order, keeps the latest in a bounded ring for replay,
 * and hands them to listeners and subscribers. A subscriber has a bounded queue; one that falls
 * behind is dropped (its stream then ends) rather than letting memory grow.
 *
 * <p>{@code agent.delta} events go to live listeners and subscribers only: replaying every token of
 * past runs is of no use and would crowd the ring.
 */
public final class EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());
    private static final String DELTA = "agent.delta";

    private final Clock clock;
    private final int ringSize;
    private final int queueSize;
    private final List<GatewayEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<GatewayEvent> ring = new ArrayDeque<>();
    private long seq;
    /** The highest sequence number evicted from the ring. */
    private long evicted;

    /**
     * Creates the bus.
     *
     * @param clock stamps the events
     * @param listeners the initial listeners
     * @param ringSize how many recent events are kept for replay
     * @param queueSize how many events a subscriber may have waiting before it is dropped
     */
    public EventBus(Clock clock, List<GatewayEventListener> listeners, int ringSize, int queueSize) {
        this.clock = clock;
        this.listeners.addAll(listeners);
        this.ringSize = ringSize;
        this.queueSize = queueSize;
    }

    /**
     * Creates a bus with a 1,000-event ring and 1,000-event subscriber queues.
     *
     * @param clock stamps the events
     * @param listeners the initial listeners
     */
    public EventBus(Clock clock, List<GatewayEventListener> listeners) {
        this(clock, listeners, 1000, 1000);
    }

    /**
     * Publishes an event; a failing listener is logged and does not stop the others.
     *
     * @param type the event name
     * @param data makes the fields, only when someone listens or the event is kept
     */
    public void publish(String type, Supplier<Map<String, Object>> data) {
        boolean keep = !type.equals(DELTA);
        if (!keep && listeners.isEmpty() && subscribers.isEmpty()) {
            return;
        }
        Map<String, Object> fields = data.get();
        GatewayEvent event;
        lock.lock();
        try {
            event = new GatewayEvent(++seq, type, clock.instant(), fields);
            if (keep) {
                ring.addLast(event);
                if (ring.size() > ringSize) {
                    evicted = ring.removeFirst().seq();
                }
            }
            // Offered under the lock so every subscriber sees events in sequence order.
            for (Subscription s : subscribers) {
                if (!s.queue.offer(event)) {
                    s.overflowed = true;
                    subscribers.remove(s);
                }
            }
        } finally {
            lock.unlock();
        }
        for (GatewayEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + type, e);
            }
        }
    }

    /**
     * Subscribes, replaying the kept events after {@code lastSeen}.
     *
     * @param lastSeen the last sequence number the subscriber saw; 0 for none (no replay)
     * @return the subscription; close it when done
     */
    public Subscription subscribe(long lastSeen) {
        lock.lock();
        try {
            Subscription s = new Subscription(queueSize);
            if (lastSeen > 0) {
                s.reset = lastSeen < evicted;
                for (GatewayEvent e : ring) {
                    if (e.seq() > lastSeen) {
                        s.replay.add(e);
                    }
                }
            }
            subscribers.add(s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Put in a closed subscription's queue to end a wait for its next event. */
    private static final GatewayEvent WAKE = new GatewayEvent(-1, "wake", java.time.Instant.EPOCH, Map.of());

    /** One subscriber's view: the replay, then a bounded queue of live events. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<GatewayEvent> queue;
        private final List<GatewayEvent> replay = new ArrayList<>();
        private volatile boolean overflowed;
        private volatile boolean closed;
        private boolean reset;

        private Subscription(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /**
         * The kept events after the subscriber's last seen one, oldest first.
         *
         * @return the events to replay
         */
        public List<GatewayEvent> replay() {
            return replay;
        }

        /**
         * Whether events were missed that the ring no longer holds.
         *
         * @return true when the replay is incomplete
         */
        public boolean reset() {
            return reset;
        }

        /**
         * The next live event.
         *
         * @param timeoutMillis the longest wait
         * @return the event, or null on timeout, once closed, or at once when the subscriber was
         *     dropped and has read what was queued
         * @throws InterruptedException when interrupted
         */
        public GatewayEvent next(long timeoutMillis) throws InterruptedException {
            if (closed || overflowed && queue.isEmpty()) {
                return null;
            }
            GatewayEvent e = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            return e == WAKE || closed ? null : e;
        }

        /**
         * Whether the subscriber fell behind and was dropped.
         *
         * @return true once dropped
         */
        public boolean overflowed() {
            return overflowed && queue.isEmpty();
        }

        /** Unsubscribes; a {@link #next} waiting returns null at once. */
        @Override
        public void close() {
            subscribers.remove(this);
            closed = true;
            queue.offer(WAKE);
        }
    }
}
