package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.event.GatewayEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBusTest {
    final EventBus bus = new EventBus(Clock.systemUTC(), List.of(), 3, 2);

    void publish(String type) {
        bus.publish(type, Map::of);
    }

    @Test
    void replayAfterTheLastSeenEventAndResetWhenTheRingForgot() {
        for (int i = 0; i < 3; i++) {
            publish("session.updated");
        }
        try (EventBus.Subscription s = bus.subscribe(1)) {
            assertEquals(List.of(2L, 3L), s.replay().stream().map(GatewayEvent::seq).toList());
            assertFalse(s.reset());
        }
        publish("session.updated");
        publish("session.updated");
        try (EventBus.Subscription s = bus.subscribe(1)) {
            assertTrue(s.reset(), "events 2 was evicted from a ring of 3");
            assertEquals(List.of(3L, 4L, 5L), s.replay().stream().map(GatewayEvent::seq).toList());
        }
    }

    @Test
    void deltasAreLiveOnly() throws Exception {
        try (EventBus.Subscription live = bus.subscribe(0)) {
            publish("agent.delta");
            assertEquals("agent.delta", live.next(1000).type());
        }
        try (EventBus.Subscription late = bus.subscribe(0)) {
            assertTrue(late.replay().isEmpty());
        }
    }

    @Test
    void aSubscriberThatFallsBehindIsDroppedNotBuffered() throws Exception {
        EventBus.Subscription slow = bus.subscribe(0);
        for (int i = 0; i < 10; i++) {
            publish("session.updated");
        }
        assertEquals(1, slow.next(1000).seq());
        assertEquals(2, slow.next(1000).seq());
        assertNull(slow.next(60_000), "dropped: returns at once, no more events");
        assertTrue(slow.overflowed());
    }
}
