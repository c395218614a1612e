package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.Role;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link SessionStore} does. A store's test extends this and says how to open one; a
 * persistent store is also closed and reopened in the middle of some tests.
 */
public abstract class SessionStoreContract {
    /** A fixed point in time, so that ordering by update time is deterministic. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long DEADLINE_SECONDS = 30;

    @TempDir
    protected Path dir;
    protected SessionStore store;

    /**
     * Opens a store over {@code dir}; opening the same directory again after {@code close()}
     * must give back what was stored, when the store is {@link #persistent()}.
     *
     * @param dir a directory for the store's files (an in-memory store ignores it)
     * @return an open store
     */
    protected abstract SessionStore open(Path dir);

    /**
     * Whether the store keeps sessions across close and reopen.
     *
     * @return false unless overridden
     */
    protected boolean persistent() {
        return false;
    }

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Closes and reopens the store when it is persistent; otherwise keeps it. */
    protected void restart() {
        if (persistent()) {
            store.close();
            store = open(dir);
        }
    }

    private static SessionKey key(String k) {
        return SessionKey.of(k);
    }

    private static Message msg(String content, int seconds) {
        return Message.user(content, T0.plusSeconds(seconds));
    }

    private static List<String> contents(HistoryPage page) {
        return page.messages().stream().map(Message::content).toList();
    }

    private static List<String> keys(List<SessionInfo> infos) {
        return infos.stream().map(i -> i.key().value()).toList();
    }

    // ---- append and read -----------------------------------------------------------------------

    @Test
    void messagesComeBackInAppendOrderWithTheirRoleAndTime() {
        SessionKey k = key("main");
        store.append(k, Message.user("hello", T0));
        store.append(k, Message.assistant("hi there", T0.plusMillis(1)));
        store.append(k, new Message(Role.SYSTEM, "note", T0.plusNanos(2_000_001)));
        restart();
        List<Message> expected = List.of(Message.user("hello", T0), Message.assistant("hi there", T0.plusMillis(1)),
                new Message(Role.SYSTEM, "note", T0.plusNanos(2_000_001)));
        assertEquals(expected, store.history(k, 10));
        assertEquals(3, store.info(k).orElseThrow().messageCount());
    }

    @Test
    void historyOfAnUnknownSessionIsEmpty() {
        assertEquals(HistoryPage.EMPTY, store.history(key("nobody"), 10, Long.MAX_VALUE));
        assertEquals(List.of(), store.history(key("nobody"), 10));
        assertEquals(Optional.empty(), store.info(key("nobody")));
        assertFalse(store.exists(key("nobody")));
    }

    @Test
    void historyRejectsALimitBelowOne() {
        store.append(key("main"), msg("m", 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.history(key("main"), 0, 5));
        assertEquals("limit: 0 (expected: > 0)", e.getMessage());
    }

    @Test
    void pagesWalkBackwardsWithBeforeAndFirstIndex() {
        SessionKey k = key("paged");
        for (int i = 0; i < 10; i++) {
            store.append(k, msg("m" + i, i));
        }
        restart();
        HistoryPage latest = store.history(k, 3, Long.MAX_VALUE);
        assertEquals(List.of("m7", "m8", "m9"), contents(latest));
        assertEquals(7, latest.firstIndex());
        assertEquals(10, latest.total());

        HistoryPage before = store.history(k, 3, latest.firstIndex());
        assertEquals(List.of("m4", "m5", "m6"), contents(before));
        assertEquals(4, before.firstIndex());
        assertEquals(10, before.total());

        HistoryPage first = store.history(k, 3, 2);
        assertEquals(List.of("m0", "m1"), contents(first));
        assertEquals(0, first.firstIndex());

        HistoryPage none = store.history(k, 3, 0);
        assertEquals(List.of(), none.messages());
        assertEquals(0, none.firstIndex());
        assertEquals(10, none.total());

        assertEquals(contents(latest), contents(store.history(k, 3, 10)));
        assertEquals(contents(latest), contents(store.history(k, 3, 99)));
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"),
                contents(store.history(k, 100, Long.MAX_VALUE)));
        assertEquals(List.of("m2", "m3", "m4", "m5"), contents(store.history(k, 4, 6)));
    }

    @Test
    void pagesStayRightWhileMessagesAreAppended() {
        SessionKey k = key("growing");
        for (int i = 0; i < 5; i++) {
            store.append(k, msg("m" + i, i));
        }
        assertEquals(List.of("m3", "m4"), contents(store.history(k, 2, Long.MAX_VALUE)));
        for (int i = 5; i < 200; i++) {
            store.append(k, msg("m" + i, i));
        }
        HistoryPage old = store.history(k, 2, 4);
        assertEquals(List.of("m2", "m3"), contents(old));
        assertEquals(200, old.total());
        assertEquals(List.of("m198", "m199"), contents(store.history(k, 2, Long.MAX_VALUE)));
        assertEquals(List.of("m100", "m101", "m102"), contents(store.history(k, 3, 103)));
    }

    // ---- create, info ----------------------------------------------------------------------------

    @Test
    void createIsIdempotentAndKeepsTheFirstMetadata() {
        SessionKey k = key("telegram:acct:42");
        SessionMeta meta = new SessionMeta("telegram", Optional.of("42"), Optional.of("helper"));
        SessionInfo created = store.create(k, meta);
        assertEquals("telegram", created.channel());
        assertEquals(Optional.of("42"), created.chatId());
        assertEquals(Optional.of("helper"), created.agentId());
        assertEquals(0, created.messageCount());
        assertEquals(created.createdAt(), created.updatedAt());

        SessionInfo again = store.create(k, new SessionMeta("webchat", Optional.empty(), Optional.empty()));
        assertEquals(created, again);
        restart();
        assertEquals(Optional.of(created), store.info(k));
        assertEquals(created, store.create(k, SessionMeta.of(k)));
    }

    @Test
    void appendCreatesTheSessionWithTheMetadataItsKeyImplies() {
        SessionKey k = key("webchat:abc");
        store.append(k, msg("hi", 5));
        restart();
        SessionInfo info = store.info(k).orElseThrow();
        assertEquals("webchat", info.channel());
        assertEquals(Optional.of("abc"), info.chatId());
        assertEquals(Optional.empty(), info.agentId());
        assertEquals(T0.plusSeconds(5), info.createdAt());
        assertEquals(T0.plusSeconds(5), info.updatedAt());
        assertEquals(1, info.messageCount());
        assertTrue(store.exists(k));
    }

    @Test
    void updatedAtFollowsTheLatestMessageAndNeverGoesBack() {
        SessionKey k = key("main");
        store.append(k, msg("a", 10));
        store.append(k, msg("b", 20));
        store.append(k, msg("late", 15));
        restart();
        SessionInfo info = store.info(k).orElseThrow();
        assertEquals(T0.plusSeconds(10), info.createdAt());
        assertEquals(T0.plusSeconds(20), info.updatedAt());
        assertEquals(3, info.messageCount());
    }

    @Test
    void aCreatedSessionKeepsItsMetadataWhenMessagesArrive() {
        SessionKey k = key("cron:nightly");
        SessionInfo created = store.create(k, new SessionMeta("cron", Optional.of("nightly"), Optional.of("ops")));
        store.append(k, Message.user("run", created.createdAt().plusSeconds(1)));
        restart();
        SessionInfo info = store.info(k).orElseThrow();
        assertEquals("cron", info.channel());
        assertEquals(Optional.of("ops"), info.agentId());
        assertEquals(created.createdAt(), info.createdAt());
        assertEquals(created.createdAt().plusSeconds(1), info.updatedAt());
        assertEquals(1, info.messageCount());
    }

    // ---- list and count --------------------------------------------------------------------------

    private void fourSessions() {
        store.append(key("telegram:acct:1"), msg("a", 10));
        store.append(key("webchat:w1"), msg("b", 30));
        store.append(key("cron:job-1"), msg("c", 40));
        store.append(key("telegram:acct:2"), msg("d", 20));
        store.append(key("heartbeat:x"), msg("e", 50));
    }

    @Test
    void listIsMostRecentlyUpdatedFirstAndHidesInternalSessions() {
        fourSessions();
        restart();
        assertEquals(List.of("webchat:w1", "telegram:acct:2", "telegram:acct:1"), keys(store.list(SessionQuery.all(10))));
        assertEquals(3, store.count(SessionQuery.all(10)));
        SessionQuery internalToo = new SessionQuery(Optional.empty(), true, 0, 10);
        assertEquals(List.of("heartbeat:x", "cron:job-1", "webchat:w1", "telegram:acct:2", "telegram:acct:1"),
                keys(store.list(internalToo)));
        assertEquals(5, store.count(internalToo));
    }

    @Test
    void listFiltersByChannel() {
        fourSessions();
        SessionQuery telegram = new SessionQuery(Optional.of("telegram"), false, 0, 10);
        assertEquals(List.of("telegram:acct:2", "telegram:acct:1"), keys(store.list(telegram)));
        assertEquals(2, store.count(telegram));
        SessionQuery cron = new SessionQuery(Optional.of("cron"), false, 0, 10);
        assertEquals(List.of(), store.list(cron));
        assertEquals(0, store.count(cron));
        SessionQuery cronToo = new SessionQuery(Optional.of("cron"), true, 0, 10);
        assertEquals(List.of("cron:job-1"), keys(store.list(cronToo)));
        assertEquals(1, store.count(cronToo));
    }

    @Test
    void listPagesWithOffsetAndLimitWhileCountIgnoresThem() {
        for (int i = 0; i < 7; i++) {
            store.append(key("s" + i), msg("x", i));
        }
        assertEquals(List.of("s6", "s5", "s4"), keys(store.list(new SessionQuery(Optional.empty(), false, 0, 3))));
        assertEquals(List.of("s3", "s2", "s1"), keys(store.list(new SessionQuery(Optional.empty(), false, 3, 3))));
        assertEquals(List.of("s0"), keys(store.list(new SessionQuery(Optional.empty(), false, 6, 3))));
        assertEquals(List.of(), store.list(new SessionQuery(Optional.empty(), false, 7, 3)));
        assertEquals(7, store.count(new SessionQuery(Optional.empty(), false, 6, 1)));
    }

    @Test
    void sessionsUpdatedAtTheSameTimeAreListedByKey() {
        store.append(key("b"), msg("x", 1));
        store.append(key("c"), msg("x", 1));
        store.append(key("a"), msg("x", 1));
        assertEquals(List.of("a", "b", "c"), keys(store.list(SessionQuery.all(10))));
    }

    @Test
    void anAppendMovesASessionToTheFront() {
        store.append(key("old"), msg("x", 1));
        store.append(key("new"), msg("x", 2));
        assertEquals(List.of("new", "old"), keys(store.list(SessionQuery.all(10))));
        store.append(key("old"), msg("y", 3));
        restart();
        assertEquals(List.of("old", "new"), keys(store.list(SessionQuery.all(10))));
        assertEquals(2, store.info(key("old")).orElseThrow().messageCount());
    }

    // ---- delete ----------------------------------------------------------------------------------

    @Test
    void deleteRemovesTheSessionAndItsMessages() {
        SessionKey k = key("doomed");
        store.create(k, new SessionMeta("api", Optional.empty(), Optional.of("a1")));
        store.append(k, msg("a", 1));
        store.append(key("kept"), msg("b", 2));
        assertTrue(store.delete(k));
        assertEquals(Optional.empty(), store.info(k));
        assertEquals(HistoryPage.EMPTY, store.history(k, 10, Long.MAX_VALUE));
        assertEquals(List.of("kept"), keys(store.list(SessionQuery.all(10))));
        assertEquals(1, store.count(SessionQuery.all(10)));
        restart();
        assertEquals(Optional.empty(), store.info(k));
        assertEquals(List.of("kept"), keys(store.list(SessionQuery.all(10))));
        assertFalse(store.delete(k));
    }

    @Test
    void deletingAnUnknownSessionReturnsFalse() {
        assertFalse(store.delete(key("never")));
    }

    @Test
    void anAppendAfterDeleteStartsAFreshSession() {
        SessionKey k = key("again");
        store.create(k, new SessionMeta("webchat", Optional.of("x"), Optional.of("agent-1")));
        store.append(k, msg("old-1", 1));
        store.append(k, msg("old-2", 2));
        store.history(k, 10);
        assertTrue(store.delete(k));
        store.append(k, msg("new", 3));
        restart();
        HistoryPage page = store.history(k, 10, Long.MAX_VALUE);
        assertEquals(List.of("new"), contents(page));
        assertEquals(0, page.firstIndex());
        assertEquals(1, page.total());
        SessionInfo info = store.info(k).orElseThrow();
        assertEquals(SessionMeta.of(k).channel(), info.channel());
        assertEquals(Optional.empty(), info.agentId());
        assertEquals(T0.plusSeconds(3), info.createdAt());
        assertEquals(1, info.messageCount());
    }

    @Test
    void deletesRacingAppendsLeaveAConsistentSession() throws Exception {
        SessionKey k = key("contested");
        int writers = 4;
        int each = 200;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        store.append(k, msg("w" + id + "-" + i, i));
                    }
                    return null;
                }));
            }
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 50; i++) {
                    store.delete(k);
                    store.history(k, 5);
                }
                return null;
            }));
            go.countDown();
            for (Future<?> f : futures) {
                f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        }
        store.append(k, msg("last", 1_000));
        checkConsistent(k);
        restart();
        checkConsistent(k);
    }

    private void checkConsistent(SessionKey k) {
        HistoryPage all = store.history(k, 100_000, Long.MAX_VALUE);
        assertEquals(all.total(), all.messages().size());
        assertEquals(0, all.firstIndex());
        assertEquals(all.total(), store.info(k).orElseThrow().messageCount());
        assertEquals("last", all.messages().getLast().content());
        // Whatever survived the deletes, each writer's messages are still in its own order.
        for (int w = 0; w < 4; w++) {
            String prefix = "w" + w + "-";
            List<Integer> seq = all.messages().stream().map(Message::content).filter(c -> c.startsWith(prefix))
                    .map(c -> Integer.parseInt(c.substring(prefix.length()))).toList();
            for (int i = 1; i < seq.size(); i++) {
                assertTrue(seq.get(i - 1) < seq.get(i), "writer " + w + " out of order: " + seq);
            }
        }
    }

    // ---- concurrency -----------------------------------------------------------------------------

    @Test
    void concurrentAppendsToOneSessionKeepEachWritersOrderAndLoseNothing() throws Exception {
        SessionKey k = key("busy");
        int writers = 8;
        int each = 250;
        store.append(k, msg("seed", 0));
        store.history(k, 1); // someone is reading the session while it grows
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        store.append(k, msg("w" + id + "-" + i, 0));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        }
        checkWriters(k, writers, each);
        restart();
        checkWriters(k, writers, each);
    }

    private void checkWriters(SessionKey k, int writers, int each) {
        int total = writers * each + 1;
        HistoryPage all = store.history(k, total + 10, Long.MAX_VALUE);
        assertEquals(total, all.total());
        assertEquals(total, all.messages().size());
        assertEquals("seed", all.messages().getFirst().content());
        for (int w = 0; w < writers; w++) {
            String prefix = "w" + w + "-";
            List<String> mine = all.messages().stream().map(Message::content).filter(c -> c.startsWith(prefix)).toList();
            assertEquals(IntStream.range(0, each).mapToObj(i -> prefix + i).toList(), mine);
        }
        // Walking back page by page gives the same messages, each page exactly its slice.
        long before = total;
        while (before > 0) {
            HistoryPage page = store.history(k, 7, before);
            assertEquals(Math.max(0, before - 7), page.firstIndex());
            assertEquals(all.messages().subList((int) page.firstIndex(), (int) before), page.messages());
            before = page.firstIndex();
        }
    }

    @Test
    void concurrentAppendsToManySessionsAllLand() throws Exception {
        int sessions = 50;
        int each = 40;
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                SessionKey k = key("chat:" + s);
                for (int half = 0; half < 2; half++) {
                    int h = half;
                    futures.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < each / 2; i++) {
                            store.append(k, msg("h" + h + "-" + i, i));
                            if (i % 7 == 0) {
                                store.history(k, 3);
                                store.list(SessionQuery.all(5));
                            }
                        }
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> f : futures) {
                try {
                    f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        }
        assertEquals(List.of(), List.copyOf(failures));
        restart();
        assertEquals(sessions, store.count(SessionQuery.all(1)));
        for (int s = 0; s < sessions; s++) {
            SessionKey k = key("chat:" + s);
            HistoryPage page = store.history(k, 1000, Long.MAX_VALUE);
            assertEquals(each, page.total(), k.value());
            assertEquals(each, page.messages().size(), k.value());
            assertEquals(each, store.info(k).orElseThrow().messageCount());
        }
    }

    // ---- persistence and content -----------------------------------------------------------------

    @Test
    void aRestartKeepsEverything() {
        assumeTrue(persistent(), "only for stores that persist");
        store.create(key("telegram:acct:7"), new SessionMeta("telegram", Optional.of("7"), Optional.of("bot")));
        store.create(key("empty"), new SessionMeta("api", Optional.empty(), Optional.empty()));
        for (int i = 0; i < 30; i++) {
            store.append(key("telegram:acct:7"), msg("t" + i, 100 + i));
            store.append(key("Main"), Message.assistant("M" + i, T0.plusSeconds(i)));
            store.append(key("main"), msg("m" + i, i));
        }
        SessionQuery everything = new SessionQuery(Optional.empty(), true, 0, 100);
        List<SessionInfo> before = store.list(everything);
        List<Message> mainBefore = store.history(key("main"), 100);
        store.close();
        store = open(dir);
        assertEquals(before, store.list(everything));
        assertEquals(mainBefore, store.history(key("main"), 100));
        assertEquals(List.of("M28", "M29"), contents(store.history(key("Main"), 2, Long.MAX_VALUE)));
        assertEquals(List.of("t0"), contents(store.history(key("telegram:acct:7"), 1, 1)));
        store.append(key("main"), msg("after", 500));
        assertEquals(31, store.info(key("main")).orElseThrow().messageCount());
    }

    @Test
    void unicodeAndAwkwardCharactersRoundTrip() {
        List<String> texts = List.of(
                "emoji 😀👍🏽 and a family 👨‍👩‍👧",
                "中文，日本語、한국어",
                "line one\nline two\r\nline three\n",
                "quotes \" and 'single' and \\ backslash \\\" mixed",
                "tabs\tand\u0000nul\u0001control\u001f\u007f",
                "separators \u2028 \u2029 end",
                "{\"role\":\"system\",\"content\":\"injected\",\"timestamp\":\"2020-01-01T00:00:00Z\"}\n{\"x\":1}",
                "lone surrogates \ud800 and \udc00 stay",
                "",
                " ".repeat(3) + "x".repeat(100_000));
        SessionKey k = key("unicode");
        for (String t : texts) {
            store.append(k, Message.user(t, T0));
        }
        restart();
        assertEquals(texts, store.history(k, 100).stream().map(Message::content).toList());
        assertEquals(texts.size(), store.info(k).orElseThrow().messageCount());
        assertEquals(List.of(texts.get(2)), contents(store.history(k, 1, 3)));
    }

    @Test
    void sessionKeysThatDifferOnlyInCaseOrPunctuationStayApart() {
        List<String> names = List.of("main", "Main", "MAIN", "a:b", "a.b", "a_b", "a-b", "a@b", "a+b", ".", "..", "con",
                "NUL", "x".repeat(200), "X".repeat(200), "X".repeat(199) + "Y");
        for (int i = 0; i < names.size(); i++) {
            store.append(key(names.get(i)), msg("n" + i, i));
        }
        restart();
        assertEquals(names.size(), store.count(new SessionQuery(Optional.empty(), true, 0, 1)));
        for (int i = 0; i < names.size(); i++) {
            assertEquals(List.of("n" + i), contents(store.history(key(names.get(i)), 10, Long.MAX_VALUE)), names.get(i));
        }
    }
}
