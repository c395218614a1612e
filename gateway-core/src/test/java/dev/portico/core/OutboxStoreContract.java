package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link OutboxStore} does. A store's test extends this and says how to create one and
 * what a restart is: a persistent store is closed and its storage opened again, so what a test
 * sees after {@link #restart()} is what survived.
 */
public abstract class OutboxStoreContract {
    /** The test clock's start; messages are created around it. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long DEADLINE_SECONDS = 30;

    /** The clock every store of a test measures retention on. */
    protected final TestClock clock = new TestClock(T0);
    /** The store under test. */
    protected OutboxStore store;

    /**
     * Creates a store; a persistent one over storage of its own that {@link #reopen} opens again.
     *
     * @param retention how long finished messages with a key are kept
     * @param maxRetained how many of them at most
     * @param clock the clock retention is measured on
     * @return an open, empty store
     */
    protected abstract OutboxStore newStore(Duration retention, int maxRetained, Clock clock);

    /**
     * The store after a restart: a persistent store is closed and opened again with the same
     * settings; an in-memory one is returned as it is.
     *
     * @param store the open store
     * @return the store to go on with
     */
    protected abstract OutboxStore reopen(OutboxStore store);

    @BeforeEach
    void createStore() {
        store = newStore(Duration.ofHours(24), 100_000, clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Restarts the store. */
    protected void restart() {
        store = reopen(store);
    }

    /** Replaces the store with one of other settings. */
    private void use(Duration retention, int maxRetained) {
        store.close();
        store = newStore(retention, maxRetained, clock);
    }

    // ---- keeping and superseding --------------------------------------------------------------

    @Test
    void aNewStoreIsEmpty() {
        assertEquals(List.of(), store.load());
        restart();
        assertEquals(List.of(), store.load());
    }

    @Test
    void addedMessagesAreLoadedAfterARestartOldestFirst() {
        OutboxMessage late = pending("c", T0.plusSeconds(2));
        OutboxMessage earlyB = pending("b", T0.plusSeconds(1));
        OutboxMessage earlyA = pending("a", T0.plusSeconds(1));
        store.add(late);
        store.add(earlyB);
        store.add(earlyA);
        assertEquals(List.of(earlyA, earlyB, late), store.load(), "by createdAt, then id");
        restart();
        assertEquals(List.of(earlyA, earlyB, late), store.load());
    }

    @Test
    void anUpdateSupersedesTheMessage() {
        OutboxMessage m = pending("m", T0);
        store.add(m);
        store.add(pending("other", T0.plusSeconds(1)));
        OutboxMessage first = m.progressed(0, 1, T0.plusSeconds(5), Optional.of("HTTP 502"), Optional.empty());
        OutboxMessage second = m.progressed(1, 0, T0.plusSeconds(6), Optional.empty(), Optional.of("p-17"));
        store.update(first);
        store.update(second);
        assertEquals(second, store.load().getFirst());
        restart();
        List<OutboxMessage> loaded = store.load();
        assertEquals(2, loaded.size(), loaded.toString());
        assertEquals(second, loaded.getFirst());
        assertEquals(pending("other", T0.plusSeconds(1)), loaded.get(1));
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"DELIVERED", "FAILED", "UNKNOWN", "EXPIRED"})
    void aFinishedMessageWithoutAKeyIsNotLoaded(DeliveryStatus status) {
        OutboxMessage m = pending("m", T0);
        store.add(m);
        store.add(pending("stays", T0.plusSeconds(1)));
        store.update(m.finished(status, Optional.of("why")));
        assertEquals(List.of(pending("stays", T0.plusSeconds(1))), store.load());
        restart();
        assertEquals(List.of(pending("stays", T0.plusSeconds(1))), store.load());
    }

    @Test
    void aDeliveredMessageWithAKeyIsLoadedUntilItsRetentionPasses() {
        use(Duration.ofHours(1), 100_000);
        OutboxMessage recent = keyed("recent", T0.minus(Duration.ofMinutes(30)));
        OutboxMessage old = keyed("old", T0.minus(Duration.ofMinutes(61)));
        OutboxMessage oldPending = keyed("old-pending", T0.minus(Duration.ofHours(3)));
        store.add(oldPending);
        store.add(recent);
        store.add(old);
        OutboxMessage delivered = recent.progressed(1, 0, T0, Optional.empty(), Optional.of("p-1"))
                .finished(DeliveryStatus.DELIVERED, Optional.empty());
        store.update(delivered);
        store.update(old.finished(DeliveryStatus.DELIVERED, Optional.empty()));

        List<OutboxMessage> expected = List.of(oldPending, delivered);
        assertEquals(expected, store.load(), "a pending message is kept however old; a finished one only within retention");
        assertEquals(DeliveryStatus.DELIVERED, store.load().get(1).status());
        restart();
        assertEquals(expected, store.load());

        clock.advance(Duration.ofMinutes(30)); // "recent" is now exactly one hour old: still kept
        assertEquals(expected, store.load());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(oldPending), store.load());
        restart();
        assertEquals(List.of(oldPending), store.load());
    }

    @Test
    void atMostMaxRetainedFinishedMessagesAreKeptTheNewestByCreation() {
        use(Duration.ofHours(24), 3);
        List<OutboxMessage> finished = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            OutboxMessage m = keyed("k" + i, T0.minus(Duration.ofMinutes(10 - i)));
            store.add(m);
            finished.add(m.finished(DeliveryStatus.FAILED, Optional.of("HTTP 400")));
        }
        List<OutboxMessage> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OutboxMessage m = keyed("p" + i, T0.minus(Duration.ofHours(2)).plusSeconds(i));
            store.add(m);
            waiting.add(m);
        }
        // Finished in another order than created: the oldest by creation go first all the same.
        for (int i : new int[] {4, 1, 5, 0, 3, 2}) {
            store.update(finished.get(i));
        }
        List<OutboxMessage> expected = new ArrayList<>(waiting); // pending ones are never dropped
        expected.addAll(finished.subList(3, 6));
        assertEquals(expected, store.load());
        restart();
        assertEquals(expected, store.load());
    }

    @Test
    void aMessageFinishedAndRetainedCanStillBeUpdated() {
        OutboxMessage m = keyed("m", T0);
        store.add(m);
        store.update(m.finished(DeliveryStatus.UNKNOWN, Optional.of("cut off")));
        OutboxMessage again = m.finished(DeliveryStatus.DELIVERED, Optional.empty());
        store.update(again);
        assertEquals(List.of(again), store.load());
        restart();
        assertEquals(List.of(again), store.load());
    }

    // ---- fields -------------------------------------------------------------------------------

    @Test
    void everyFieldSurvivesARestart() {
        OutboxMessage full = new OutboxMessage("msg_01HX", "slack", "T024BE7LD", "C1H9RESGL", Optional.of("1712345678.000100"),
                "Grüße 👋🏽 “quoted” \"json\" \\ back\nsecond line\r\n\ttab \u0001 control \u2028 separator 中文",
                Map.of("message_id", "17", "thread_ts", "1712345678.000100", "émoji", "🎉"),
                "reply", Optional.of("idem-ключ-🔑"), Optional.of("sha256:0f3a"),
                Instant.parse("2026-02-28T23:59:59.123456789Z"), DeliveryStatus.PENDING, 2, 3,
                Instant.parse("2026-03-01T00:00:07.5Z"), Optional.of("HTTP 429\nretry after 7 s"),
                Optional.of("p-42"));
        OutboxMessage bare = OutboxMessage.pending("bare", "telegram", "main", "-1001", Optional.empty(), "",
                Map.of(), "cron", Optional.empty(), Optional.empty(), T0);
        OutboxMessage finished = keyed("done", T0).progressed(1, 0, T0, Optional.empty(), Optional.of("p-1"))
                .finished(DeliveryStatus.FAILED, Optional.of("chat not found"));
        store.add(full);
        store.add(bare);
        store.add(keyed("done", T0));
        store.update(finished);
        List<OutboxMessage> expected = List.of(full, bare, finished);
        assertEquals(expected, store.load());
        restart();
        List<OutboxMessage> loaded = store.load();
        assertEquals(expected, loaded);
        assertEquals(full.text(), loaded.getFirst().text());
        assertEquals(full.replyContext(), loaded.getFirst().replyContext());
        assertEquals(Optional.empty(), loaded.get(1).threadId());
        assertEquals(Map.of(), loaded.get(1).replyContext());
    }

    @Test
    void aLongTextSurvivesARestart() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 300_000; i++) {
            text.append("line ").append(i).append(": ünïcödé ✓ 🚀\n");
        }
        OutboxMessage before = pending("before", T0);
        OutboxMessage longOne = OutboxMessage.pending("long", "discord", "bot", "123456789012345678", Optional.empty(),
                text.toString(), Map.of(), "api", Optional.empty(), Optional.empty(), T0.plusSeconds(1));
        OutboxMessage after = pending("after", T0.plusSeconds(2));
        store.add(before);
        store.add(longOne);
        store.add(after);
        restart();
        assertEquals(List.of(before, longOne, after), store.load());
    }

    // ---- concurrency and closing --------------------------------------------------------------

    @Test
    void concurrentAddsAllSurviveARestart() throws Exception {
        int threads = 8;
        int each = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        OutboxMessage m = pending("t" + thread + "-" + i, T0.plusMillis(i));
                        store.add(m);
                        if (i % 5 == 0) {
                            store.update(m.progressed(0, 1, T0.plusSeconds(1), Optional.of("retry"), Optional.empty()));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        }
        restart();
        List<OutboxMessage> loaded = store.load();
        assertEquals(threads * each, loaded.size());
        Set<String> ids = new HashSet<>();
        for (OutboxMessage m : loaded) {
            ids.add(m.id());
            int i = Integer.parseInt(m.id().substring(m.id().indexOf('-') + 1));
            assertEquals(i % 5 == 0 ? 1 : 0, m.attempts(), m.id());
        }
        assertEquals(threads * each, ids.size());
    }

    @Test
    void aClosedStoreRefusesEveryCallButClose() {
        store.add(pending("m", T0));
        store.close();
        for (Runnable call : List.<Runnable>of(store::load, () -> store.add(pending("n", T0)),
                () -> store.update(pending("m", T0)), store::flush)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertEquals("outbox store closed", e.getMessage());
        }
        store.close(); // a second close does nothing
    }

    @Test
    void flushKeepsWhatWasUpdated() {
        OutboxMessage m = pending("m", T0);
        store.add(m);
        OutboxMessage later = m.progressed(0, 4, T0.plusSeconds(60), Optional.of("timeout"), Optional.empty());
        store.update(later);
        store.flush();
        assertEquals(List.of(later), store.load());
        restart();
        assertEquals(List.of(later), store.load());
    }

    // ---- messages -----------------------------------------------------------------------------

    /**
     * A pending message without an idempotency key.
     *
     * @param id its id
     * @param createdAt when it was accepted
     * @return the message
     */
    protected static OutboxMessage pending(String id, Instant createdAt) {
        return OutboxMessage.pending(id, "telegram", "main", "42", Optional.empty(), "text of " + id, Map.of(), "api",
                Optional.empty(), Optional.empty(), createdAt);
    }

    /**
     * A pending message with an idempotency key and a fingerprint.
     *
     * @param id its id
     * @param createdAt when it was accepted
     * @return the message
     */
    protected static OutboxMessage keyed(String id, Instant createdAt) {
        return OutboxMessage.pending(id, "telegram", "main", "42", Optional.of("7"), "text of " + id,
                Map.of("message_id", "99"), "api", Optional.of("key-" + id), Optional.of("fp-" + id), createdAt);
    }
}
