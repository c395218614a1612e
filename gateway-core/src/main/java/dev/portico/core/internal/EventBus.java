package dev.portico.core.internal;

import dev.portico.api.event.GatewayEvent;
import dev.portico.api.event.GatewayEventListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Publishes gateway events to the registered listeners, numbering them in order. */
public final class EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final Clock clock;
    private final AtomicLong seq = new AtomicLong();
    private final List<GatewayEventListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the bus.
     *
     * @param clock stamps the events
     * @param listeners the initial listeners
     */
    public EventBus(Clock clock, List<GatewayEventListener> listeners) {
        this.clock = clock;
        this.listeners.addAll(listeners);
    }

    /**
     * Publishes an event; a failing listener is logged and does not stop the others.
     *
     * @param type the event name
     * @param data makes the fields, only when someone listens
     */
    public void publish(String type, Supplier<Map<String, Object>> data) {
        if (listeners.isEmpty()) {
            return;
        }
        GatewayEvent event = new GatewayEvent(seq.incrementAndGet(), type, clock.instant(), data.get());
        for (GatewayEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + type, e);
            }
        }
    }
}
