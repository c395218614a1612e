package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.session.Message;
import dev.portico.api.session.Role;
import dev.portico.api.session.SessionKey;
import dev.portico.core.EchoAgent;
import dev.portico.core.InMemorySessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Turns: ordering per session, the global cap, timeouts, history, readers that leave. */
class ConversationsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final InMemorySessionStore store = new InMemorySessionStore();

    Conversations conversations(Agent agent, int cap, Duration timeout) {
        return new Conversations(agent, store, Clock.systemUTC(), new EventBus(Clock.systemUTC(), List.of()), cap, timeout, 50,
                Duration.ofSeconds(30), Duration.ofMinutes(5), new Metrics());
    }

    @Test
    void turnsOfOneSessionRunOneAtATimeInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstEntered = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Conversations c = conversations((req, ev) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            if (req.message().equals("first")) {
                firstEntered.countDown();
                release.await();
            }
            inside.decrementAndGet();
            ev.emit(new AgentEvent.Completed(req.message() + " seen " + req.history().size()));
        }, 8, WAIT);
        Run first = c.start(SessionKey.of("s"), "first");
        assertTrue(firstEntered.await(5, TimeUnit.SECONDS));
        Run second = c.start(SessionKey.of("s"), "second");
        assertTrue(second.await(Duration.ofMillis(200)).isEmpty(), "the second turn waits for the first");
        release.countDown();
        assertEquals(new AgentEvent.Completed("first seen 0"), first.await(WAIT).orElseThrow());
        assertEquals(new AgentEvent.Completed("second seen 2"), second.await(WAIT).orElseThrow(),
                "the second turn sees the first turn's user message and reply");
        assertEquals(1, maxInside.get());
        List<Message> history = store.history(SessionKey.of("s"), 10);
        assertEquals(List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT), history.stream().map(Message::role).toList());
    }

    @Test
    void differentSessionsRunInParallelUpToTheCap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, Boolean> entered = new ConcurrentHashMap<>();
        CountDownLatch twoEntered = new CountDownLatch(2);
        Conversations c = conversations((req, ev) -> {
            entered.put(req.message(), true);
            twoEntered.countDown();
            release.await();
            ev.emit(new AgentEvent.Completed("ok"));
        }, 2, WAIT);
        Run a = c.start(SessionKey.of("a"), "a");
        Run b = c.start(SessionKey.of("b"), "b");
        assertTrue(twoEntered.await(5, TimeUnit.SECONDS), "two sessions run at once");
        Run third = c.start(SessionKey.of("c"), "c");
        assertTrue(third.await(Duration.ofMillis(200)).isEmpty(), "a third waits for a permit");
        assertFalse(entered.containsKey("c"));
        release.countDown();
        for (Run r : List.of(a, b, third)) {
            assertInstanceOf(AgentEvent.Completed.class, r.await(WAIT).orElseThrow());
        }
    }

    @Test
    void aRunOverItsTimeoutIsCancelledAndFails() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Conversations c = conversations((req, ev) -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, 2, Duration.ofMillis(100));
        Run run = c.start(SessionKey.MAIN, "slow");
        AgentEvent end = run.await(WAIT).orElseThrow();
        assertTrue(assertInstanceOf(AgentEvent.Failed.class, end).message().startsWith("run timed out"), end.toString());
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the agent's thread was interrupted");
        assertEquals(1, store.history(SessionKey.MAIN, 10).size(), "the user message stays; no reply is stored");
    }

    @Test
    void aReaderThatLeavesDoesNotStopTheRun() throws Exception {
        Conversations c = conversations(new EchoAgent(), 2, WAIT);
        Run run = c.start(SessionKey.of("gone"), "still answered");
        run.cursor().next(Duration.ofSeconds(5));
        // The reader leaves after one event; the run still completes and the reply is stored.
        assertEquals(new AgentEvent.Completed("still answered"), run.await(WAIT).orElseThrow());
        assertEquals("still answered", store.history(SessionKey.of("gone"), 10).get(1).content());
    }

    @Test
    void anAgentThatReportsNoEndIsCompletedWithItsDeltas() throws Exception {
        Conversations c = conversations((req, ev) -> {
            ev.emit(new AgentEvent.TextDelta("a"));
            ev.emit(new AgentEvent.ToolActivity("search", "start"));
            ev.emit(new AgentEvent.TextDelta("b"));
        }, 2, WAIT);
        Run run = c.start(SessionKey.MAIN, "x");
        assertEquals(new AgentEvent.Completed("ab"), run.await(WAIT).orElseThrow());
        Run.Cursor cursor = run.cursor();
        assertEquals(new AgentEvent.TextDelta("a"), cursor.next(WAIT).orElseThrow());
        assertEquals(new AgentEvent.ToolActivity("search", "start"), cursor.next(WAIT).orElseThrow());
        assertEquals(new AgentEvent.TextDelta("b"), cursor.next(WAIT).orElseThrow());
        assertEquals(new AgentEvent.Completed("ab"), cursor.next(WAIT).orElseThrow());
        assertTrue(cursor.done());
    }

    @Test
    void eventsAfterTheEndAreIgnored() throws Exception {
        Conversations c = conversations((req, ev) -> {
            ev.emit(new AgentEvent.Completed("done"));
            ev.emit(new AgentEvent.TextDelta("late"));
            ev.emit(new AgentEvent.Failed("late"));
        }, 2, WAIT);
        assertEquals(new AgentEvent.Completed("done"), c.start(SessionKey.MAIN, "x").await(WAIT).orElseThrow());
    }

    @Test
    void finishedRunsAreKeptForWaitingButBounded() {
        Conversations c = conversations(new EchoAgent(), 4, WAIT);
        Run first = c.run(SessionKey.of("bound-0"), "x");
        assertTrue(c.find(first.id()).isPresent(), "a finished run stays collectable");
        Run last = first;
        // Twice the bound: the bound is kept per segment of the registry, each a share of it.
        for (int i = 1; i <= 2 * Conversations.MAX_FINISHED; i++) {
            last = c.run(SessionKey.of("bound-" + (i % 100)), "x");
        }
        assertTrue(c.find(first.id()).isEmpty(), "the oldest finished run is forgotten past the bound");
        assertTrue(c.find(last.id()).isPresent());
        assertTrue(c.finishedRuns() <= Conversations.MAX_FINISHED, "kept: " + c.finishedRuns());
    }
}
