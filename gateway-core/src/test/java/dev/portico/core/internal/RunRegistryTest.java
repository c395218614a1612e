package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.AgentEvent;
import dev.portico.api.session.SessionKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunRegistryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static Run run(int n) {
        return new Run("run-" + n, SessionKey.MAIN);
    }

    @Test
    void runsAreFoundByIdAndInFlightUntilTheyFinish() {
        RunRegistry registry = new RunRegistry(100);
        Run a = run(1);
        Run b = run(2);
        registry.add(a);
        registry.add(b);
        assertEquals(Optional.of(a), registry.find("run-1"));
        assertEquals(Optional.empty(), registry.find("run-3"));
        assertEquals(2, registry.inFlight().size());
        a.finish(new AgentEvent.Completed("done"), T0);
        registry.finished(a);
        assertEquals(List.of(b), registry.inFlight());
        assertEquals(Optional.of(a), registry.find("run-1"), "a finished run stays collectable");
        assertEquals(1, registry.finishedCount());
    }

    @Test
    void finishedRunsExpireOldestFirst() {
        RunRegistry registry = new RunRegistry(1000);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Run r = run(i);
            registry.add(r);
            r.finish(new AgentEvent.Completed("done"), T0.plusSeconds(i));
            registry.finished(r);
            runs.add(r);
        }
        registry.expire(T0.plusSeconds(50));
        for (int i = 0; i < 100; i++) {
            assertEquals(i >= 50, registry.find("run-" + i).isPresent(), "run " + i);
        }
        assertEquals(50, registry.finishedCount());
    }

    @Test
    void theBoundHoldsWhateverTheGracePeriod() {
        int bound = 10 * RunRegistry.SEGMENTS;
        RunRegistry registry = new RunRegistry(bound);
        for (int i = 0; i < 10 * bound; i++) {
            Run r = run(i);
            registry.add(r);
            r.finish(new AgentEvent.Completed("done"), T0);
            registry.finished(r);
            assertTrue(registry.finishedCount() <= bound, "kept " + registry.finishedCount() + " after " + i);
        }
        assertTrue(registry.find("run-0").isEmpty(), "the oldest is forgotten");
        assertTrue(registry.find("run-" + (10 * bound - 1)).isPresent(), "the newest is kept");
        assertTrue(registry.finishedCount() > bound / 2, "each segment keeps its share: " + registry.finishedCount());
    }
}
