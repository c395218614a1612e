package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.core.internal.Syncer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does: its files, crash recovery, fsync policies. The shared contract is elsewhere. */
class FileSessionStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long DEADLINE_SECONDS = 10;
    private static final SessionKey MAIN = SessionKey.MAIN;

    @TempDir
    Path dir;
    private final List<FileSessionStore> opened = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger("dev.portico.core.internal");
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    FileSessionStoreTest() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void closeAll() {
        julLogger.removeHandler(capture);
        opened.forEach(FileSessionStore::close);
    }

    private FileSessionStore open() {
        return open(FileSessionStore.builder().directory(dir));
    }

    private FileSessionStore open(FileSessionStore.Builder builder) {
        FileSessionStore store = builder.build();
        opened.add(store);
        return store;
    }

    private Path transcript(String fileName) {
        return dir.resolve("transcripts").resolve(fileName);
    }

    private Path index() {
        return dir.resolve("index.jsonl");
    }

    private List<String> errors() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(r -> r.getMessage() + (r.getThrown() != null ? ": " + r.getThrown() : "")).toList();
        }
    }

    private List<String> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).toList();
        }
    }

    private static Message msg(String content, int seconds) {
        return Message.user(content, T0.plusSeconds(seconds));
    }

    private static List<String> contents(List<Message> messages) {
        return messages.stream().map(Message::content).toList();
    }

    private static void appendBytes(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    // ---- files and format ------------------------------------------------------------------------

    @Test
    void transcriptsAreJsonLinesWithAHeaderThenOneLinePerMessage() throws IOException {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).clock(clock));
        SessionKey k = SessionKey.of("telegram:acct:42");
        store.create(k, new SessionMeta("telegram", Optional.of("42"), Optional.of("helper")));
        store.append(k, Message.user("hi \"you\"\n😀", T0.plusMillis(1500)));
        store.append(k, Message.assistant("hello", T0.plusSeconds(2)));

        List<String> lines = Files.readAllLines(transcript("telegram%3Aacct%3A42.jsonl"), StandardCharsets.UTF_8);
        assertEquals(List.of(
                "{\"session\":\"telegram:acct:42\",\"version\":1,\"channel\":\"telegram\",\"chat_id\":\"42\","
                        + "\"agent_id\":\"helper\",\"created_at\":\"2026-03-01T10:00:00Z\"}",
                "{\"role\":\"user\",\"content\":\"hi \\\"you\\\"\\n😀\",\"timestamp\":\"2026-03-01T10:00:01.500Z\"}",
                "{\"role\":\"assistant\",\"content\":\"hello\",\"timestamp\":\"2026-03-01T10:00:02Z\"}"), lines);
    }

    @Test
    void theIndexListsEverySessionWithItsTranscriptLength() throws IOException {
        FileSessionStore store = open();
        store.create(SessionKey.of("webchat:w"), new SessionMeta("webchat", Optional.of("w"), Optional.empty()));
        store.append(MAIN, msg("one", 1));
        store.close();
        List<String> lines = Files.readAllLines(index(), StandardCharsets.UTF_8);
        assertEquals("{\"portico_session_index\":1}", lines.getFirst());
        long mainBytes = Files.size(transcript("main.jsonl"));
        assertTrue(lines.contains("{\"key\":\"main\",\"channel\":\"api\",\"created_at\":\"2026-03-01T10:00:01Z\","
                + "\"updated_at\":\"2026-03-01T10:00:01Z\",\"message_count\":1,\"transcript_bytes\":" + mainBytes + "}"),
                lines.toString());
        assertEquals(3, lines.size());
        assertFalse(Files.exists(dir.resolve("index.jsonl.tmp")));
    }

    @Test
    void keysBecomeFileNamesThatAreSafeDistinctAndDecodable() throws IOException {
        FileSessionStore store = open();
        List<String> keys = List.of("main", "Main", "a:b", ".", "..", "con", "x@y+z", "X".repeat(200));
        for (String k : keys) {
            store.append(SessionKey.of(k), msg(k, 0));
        }
        List<String> names;
        try (Stream<Path> files = Files.list(dir.resolve("transcripts"))) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(keys.size(), names.size());
        assertTrue(names.contains("main.jsonl"), names.toString());
        assertTrue(names.contains("%4Dain.jsonl"), names.toString());
        assertTrue(names.contains("a%3Ab.jsonl"), names.toString());
        assertTrue(names.contains("%2E.jsonl"), names.toString());
        assertTrue(names.contains("%2E%2E.jsonl"), names.toString());
        assertTrue(names.contains("%63on.jsonl"), names.toString());
        assertTrue(names.contains("x%40y%2Bz.jsonl"), names.toString());
        for (String name : names) {
            assertFalse(name.contains(":"), name);
            assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
            assertEquals(1, names.stream().filter(n -> n.equalsIgnoreCase(name)).count(), name);
        }
        // Without an index every key comes back: from the first line, or decoded from the name.
        store.close();
        Files.delete(index());
        FileSessionStore reopened = open();
        for (String k : keys) {
            assertEquals(List.of(k), contents(reopened.history(SessionKey.of(k), 5)), k);
        }
    }

    @Test
    void aTranscriptWithoutItsHeaderIsRecoveredFromItsFileName() throws IOException {
        Files.createDirectories(dir.resolve("transcripts"));
        Files.writeString(transcript("webchat%3Ahello.jsonl"),
                "{\"role\":\"user\",\"content\":\"hi\",\"timestamp\":\"2026-03-01T10:00:05Z\"}\n");
        FileSessionStore store = open();
        SessionInfo info = store.info(SessionKey.of("webchat:hello")).orElseThrow();
        assertEquals("webchat", info.channel());
        assertEquals(Optional.of("hello"), info.chatId());
        assertEquals(T0.plusSeconds(5), info.createdAt());
        assertEquals(1, info.messageCount());
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().getFirst().contains("no session header"), warnings().toString());
    }

    @Test
    void deleteRemovesTheTranscriptFile() {
        FileSessionStore store = open();
        store.append(MAIN, msg("x", 0));
        assertTrue(Files.exists(transcript("main.jsonl")));
        assertTrue(store.delete(MAIN));
        assertFalse(Files.exists(transcript("main.jsonl")));
    }

    @Test
    void sessionsReloadedWhileTheyGrowLoseNothing() throws Exception {
        // One cached session: reading two sessions in turn reloads each from its transcript every
        // time, while a writer keeps appending to the first.
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.NEVER)
                .cachedSessions(1).cachedMessagesPerSession(4));
        SessionKey other = SessionKey.of("other");
        store.append(other, msg("o", 0));
        for (int i = 0; i < 5_000; i++) {
            store.append(MAIN, msg("m" + i, 0));
        }
        int more = 3_000;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < more; i++) {
                    store.append(MAIN, msg("n" + i, 0));
                }
                return null;
            });
            Future<?> reader = pool.submit(() -> {
                while (!writer.isDone()) {
                    HistoryPage page = store.history(MAIN, 3, Long.MAX_VALUE);
                    assertEquals(page.total() - page.messages().size(), page.firstIndex());
                    store.history(other, 1);
                }
                return null;
            });
            writer.get(DEADLINE_SECONDS * 3, TimeUnit.SECONDS);
            reader.get(DEADLINE_SECONDS * 3, TimeUnit.SECONDS);
        }
        HistoryPage all = store.history(MAIN, 10_000, Long.MAX_VALUE);
        assertEquals(5_000 + more, all.total());
        assertEquals(5_000 + more, store.info(MAIN).orElseThrow().messageCount());
        assertEquals("n" + (more - 1), all.messages().getLast().content());
        assertEquals(List.of(), warnings());
    }

    // ---- crashes ---------------------------------------------------------------------------------

    @Test
    void aTornLastLineIsSkippedWithOneWarningAndTheNextAppendIsValid() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.append(MAIN, msg("two", 2));
        store.close();
        // Longer than the next line, so that writing over it would not hide it.
        appendBytes(transcript("main.jsonl"), "{\"role\":\"user\",\"content\":\"thr" + "e".repeat(300));

        FileSessionStore reopened = open();
        assertEquals(List.of("one", "two"), contents(reopened.history(MAIN, 10)));
        assertEquals(2, reopened.info(MAIN).orElseThrow().messageCount());
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().getFirst().contains("main.jsonl") && warnings().getFirst().contains("torn last line"),
                warnings().getFirst());

        reopened.append(MAIN, msg("three", 3));
        reopened.close();
        for (String line : Files.readAllLines(transcript("main.jsonl"), StandardCharsets.UTF_8)) {
            assertTrue(line.startsWith("{\"") && line.endsWith("}"), line);
        }
        assertEquals(List.of("one", "two", "three"), contents(open().history(MAIN, 10)));
        assertEquals(1, warnings().size(), "a repaired transcript warns only once: " + warnings());
    }

    @Test
    void aTornLastLineIsSkippedWhenTheIndexIsGoneToo() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.close();
        appendBytes(transcript("main.jsonl"), "{\"ro");
        Files.delete(index());
        FileSessionStore reopened = open();
        assertEquals(List.of("one"), contents(reopened.history(MAIN, 10)));
        reopened.append(MAIN, msg("two", 2));
        assertEquals(List.of("one", "two"), contents(reopened.history(MAIN, 10)));
    }

    @Test
    void aCompleteLastLineWithoutItsLineEndIsKept() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.close();
        appendBytes(transcript("main.jsonl"), "{\"role\":\"assistant\",\"content\":\"two\",\"timestamp\":\"2026-03-01T10:00:02Z\"}");
        FileSessionStore reopened = open();
        reopened.append(MAIN, msg("three", 3));
        assertEquals(List.of("one", "two", "three"), contents(reopened.history(MAIN, 10)));
        assertEquals(1, warnings().size(), warnings().toString());
    }

    @Test
    void anUnreadableLineInTheMiddleIsSkippedWithAWarning() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.close();
        appendBytes(transcript("main.jsonl"), "not json at all\n{\"role\":\"user\",\"content\":\"two\",\"timestamp\":\"2026-03-01T10:00:02Z\"}\n");
        // No cached messages: every page is read from the transcript, across the bad line.
        FileSessionStore reopened = open(FileSessionStore.builder().directory(dir).cachedMessagesPerSession(0));
        HistoryPage page = reopened.history(MAIN, 10, Long.MAX_VALUE);
        assertEquals(List.of("one", "two"), contents(page.messages()));
        assertEquals(2, page.total());
        assertEquals(List.of("one"), contents(reopened.history(MAIN, 1, 1).messages()));
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().getFirst().contains("skipped 1 unreadable lines"), warnings().getFirst());
    }

    @Test
    void aTranscriptWhoseCreationWasCutOffIsRemoved() throws IOException {
        Files.createDirectories(dir.resolve("transcripts"));
        Files.writeString(transcript("half.jsonl"), "{\"session\":\"ha");
        FileSessionStore store = open();
        assertEquals(0, store.count(new SessionQuery(Optional.empty(), true, 0, 10)));
        assertFalse(Files.exists(transcript("half.jsonl")));
        assertEquals(1, warnings().size(), warnings().toString());
        store.append(SessionKey.of("half"), msg("fresh", 0));
        assertEquals(List.of("fresh"), contents(store.history(SessionKey.of("half"), 10)));
    }

    @Test
    void aMissingIndexIsRebuiltFromTheTranscripts() throws IOException {
        FileSessionStore store = open();
        store.create(SessionKey.of("telegram:a:1"), new SessionMeta("telegram", Optional.of("1"), Optional.of("bot")));
        store.append(SessionKey.of("telegram:a:1"), msg("t", 5));
        store.append(MAIN, msg("m", 3));
        store.create(SessionKey.of("cron:empty"), new SessionMeta("cron", Optional.of("empty"), Optional.empty()));
        SessionQuery all = new SessionQuery(Optional.empty(), true, 0, 10);
        List<SessionInfo> before = store.list(all);
        store.close();
        Files.delete(index());

        FileSessionStore reopened = open();
        assertEquals(before, reopened.list(all));
        assertTrue(Files.exists(index()), "the rebuilt index is written back");
        assertEquals(List.of(), warnings());
    }

    @Test
    void aCorruptIndexIsRebuiltWithAWarning() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("m", 3));
        store.append(SessionKey.of("other"), msg("o", 4));
        List<SessionInfo> before = store.list(SessionQuery.all(10));
        store.close();
        Files.write(index(), new byte[] {0, 1, 2, 'x', '\n', 'y'});

        FileSessionStore reopened = open();
        assertEquals(before, reopened.list(SessionQuery.all(10)));
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().getFirst().contains("index.jsonl"), warnings().getFirst());
        reopened.close();
        assertEquals("{\"portico_session_index\":1}", Files.readAllLines(index()).getFirst());
    }

    @Test
    void aStaleIndexEntryIsRescanned() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.append(SessionKey.of("untouched"), msg("u", 1));
        store.close();
        byte[] oldIndex = Files.readAllBytes(index());

        FileSessionStore second = open();
        second.append(MAIN, msg("two", 20));
        second.append(MAIN, msg("three", 30));
        second.close();
        Files.write(index(), oldIndex); // as if the process died before rewriting the index

        FileSessionStore third = open();
        SessionInfo info = third.info(MAIN).orElseThrow();
        assertEquals(3, info.messageCount());
        assertEquals(T0.plusSeconds(30), info.updatedAt());
        assertEquals(List.of("one", "two", "three"), contents(third.history(MAIN, 10)));
        assertEquals(1, third.info(SessionKey.of("untouched")).orElseThrow().messageCount());
    }

    @Test
    void anIndexEntryWhoseTranscriptIsGoneIsDropped() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.append(SessionKey.of("gone"), msg("g", 1));
        store.close();
        Files.delete(transcript("gone.jsonl"));
        FileSessionStore reopened = open();
        assertEquals(Optional.empty(), reopened.info(SessionKey.of("gone")));
        assertEquals(1, reopened.count(SessionQuery.all(10)));
    }

    @Test
    void aValidIndexIsTrustedWithoutReadingTranscriptsAndCorrectedOnFirstRead() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("one", 1));
        store.append(MAIN, msg("two", 2));
        store.close();
        // Same transcript length, so the entry is trusted as it is: opening does not read transcripts.
        String doctored = Files.readString(index()).replace("\"message_count\":2", "\"message_count\":999");
        Files.writeString(index(), doctored);

        FileSessionStore reopened = open();
        assertEquals(999, reopened.info(MAIN).orElseThrow().messageCount());
        HistoryPage page = reopened.history(MAIN, 10, Long.MAX_VALUE);
        assertEquals(2, page.total());
        assertEquals(2, reopened.info(MAIN).orElseThrow().messageCount());
        assertEquals(1, warnings().size(), warnings().toString());
    }

    // ---- fsync policies --------------------------------------------------------------------------

    /**
     * Counts the fsyncs of transcripts and, while {@link #hold} is closed, holds them back (the
     * index's own fsyncs pass straight through).
     */
    private static final class GateSyncer implements Syncer {
        final AtomicInteger fileSyncs = new AtomicInteger();
        final AtomicInteger directorySyncs = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch hold = new CountDownLatch(1);
        final CountDownLatch synced = new CountDownLatch(1);

        GateSyncer open() {
            hold.countDown();
            return this;
        }

        @Override
        public void sync(FileChannel channel, Path file) throws IOException {
            if (!file.getParent().getFileName().toString().equals("transcripts")) {
                channel.force(false);
                return;
            }
            entered.countDown();
            try {
                if (!hold.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("test syncer held too long");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel.force(false);
            fileSyncs.incrementAndGet();
            synced.countDown();
        }

        @Override
        public void syncDirectory(Path directory) {
            if (directory.getFileName().toString().equals("transcripts")) {
                directorySyncs.incrementAndGet();
            }
        }
    }

    @Test
    void underAlwaysAnAppendReturnsOnlyAfterItsFsync() throws Exception {
        GateSyncer syncer = new GateSyncer();
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.ALWAYS).syncer(syncer));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> append = pool.submit(() -> store.append(MAIN, msg("durable", 1)));
            assertTrue(syncer.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the fsync started");
            assertFalse(append.isDone(), "append returned before its fsync finished");
            syncer.hold.countDown();
            append.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
        assertTrue(syncer.fileSyncs.get() >= 1);
        assertTrue(syncer.directorySyncs.get() >= 1, "a new transcript's directory entry is fsynced too");
        String onDisk = Files.readString(transcript("main.jsonl"));
        assertTrue(onDisk.endsWith("\"content\":\"durable\",\"timestamp\":\"2026-03-01T10:00:01Z\"}\n"), onDisk);
    }

    @Test
    void underAlwaysConcurrentAppendsShareAnFsync() throws Exception {
        GateSyncer syncer = new GateSyncer();
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.ALWAYS).syncer(syncer));
        int waiting = 20;
        List<Thread> appenders = new ArrayList<>();
        Thread first = Thread.ofPlatform().start(() -> store.append(MAIN, msg("first", 0)));
        assertTrue(syncer.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        for (int i = 0; i < waiting; i++) {
            int n = i;
            appenders.add(Thread.ofPlatform().start(() -> store.append(MAIN, msg("m" + n, n))));
        }
        // Every appender is parked, waiting for its batch, while the writer is held in the first fsync.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!appenders.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            assertTrue(System.nanoTime() < deadline, "appenders did not queue up");
            Thread.yield();
        }
        syncer.hold.countDown();
        first.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        for (Thread t : appenders) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            assertFalse(t.isAlive());
        }
        assertEquals(21, store.info(MAIN).orElseThrow().messageCount());
        assertEquals(2, syncer.fileSyncs.get(), "one fsync for the first append, one for the 20 that queued behind it");
    }

    @Test
    void underBatchedAnAppendReturnsBeforeTheFsyncWhichFollowsShortly() throws Exception {
        GateSyncer syncer = new GateSyncer();
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.BATCHED)
                .fsyncInterval(Duration.ofMillis(20)).syncer(syncer));
        store.append(MAIN, msg("one", 1)); // returns although any fsync is held back
        store.append(MAIN, msg("two", 2));
        String onDisk = Files.readString(transcript("main.jsonl"));
        assertTrue(onDisk.contains("\"content\":\"two\""), "written to the OS when append returns: " + onDisk);
        assertTrue(syncer.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "an fsync follows");
        store.append(MAIN, msg("three", 3)); // the held fsync runs beside the writer, not in its way
        assertEquals(0, syncer.fileSyncs.get());
        syncer.hold.countDown();
        assertTrue(syncer.synced.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the fsync completed");
    }

    @Test
    void underNeverNothingIsFsyncedYetAppendsAreWrittenWhenTheyReturn() throws IOException {
        GateSyncer syncer = new GateSyncer().open();
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.NEVER).syncer(syncer));
        store.append(MAIN, msg("one", 1));
        assertTrue(Files.readString(transcript("main.jsonl")).contains("\"content\":\"one\""));
        store.delete(MAIN);
        store.append(MAIN, msg("two", 2));
        store.close();
        assertEquals(0, syncer.fileSyncs.get());
        assertEquals(0, syncer.directorySyncs.get());
        assertTrue(Files.exists(index()));
    }

    @Test
    void closeFsyncsWhatIsPendingAndWritesTheIndex() throws IOException {
        GateSyncer syncer = new GateSyncer().open();
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.BATCHED)
                .fsyncInterval(Duration.ofSeconds(10)).indexInterval(Duration.ofHours(1)).syncer(syncer));
        store.append(MAIN, msg("one", 1));
        assertEquals(0, syncer.fileSyncs.get());
        store.close();
        assertEquals(1, syncer.fileSyncs.get());
        assertTrue(Files.readString(index()).contains("\"key\":\"main\""));
    }

    // ---- writing on the caller's thread ------------------------------------------------------------

    @Test
    void anInterruptedCallerStillAppendsAndLeavesTheTranscriptUsable() throws Exception {
        FileSessionStore store = open();
        store.append(MAIN, msg("before", 0));
        Thread.currentThread().interrupt();
        try {
            store.append(MAIN, msg("while interrupted", 1));
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
        } finally {
            Thread.interrupted();
        }
        Thread other = Thread.ofPlatform().start(() -> store.append(MAIN, msg("after", 2)));
        other.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertEquals(List.of("before", "while interrupted", "after"), contents(store.history(MAIN, 10)));
        store.close();
        assertEquals(List.of("before", "while interrupted", "after"), contents(open().history(MAIN, 10)));
    }

    @Test
    void openTranscriptsAreTrimmedAndReopenedWithTheirTailChecked() throws Exception {
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.NEVER));
        store.append(MAIN, msg("first", 0));
        int sessions = 400;
        for (int i = 0; i < sessions; i++) {
            store.append(SessionKey.of("s" + i), msg("m" + i, i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (store.openTranscripts() > 256) {
            assertTrue(System.nanoTime() < deadline, "still open: " + store.openTranscripts());
            Thread.yield();
        }
        // "main", written first, was closed; bytes a failed write left behind are cut off on reopening.
        appendBytes(transcript("main.jsonl"), "{\"role\":\"user\",\"cont");
        store.append(MAIN, msg("second", 1));
        assertEquals(List.of("first", "second"), contents(store.history(MAIN, 10)));
        List<String> lines = Files.readAllLines(transcript("main.jsonl"));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).contains("\"content\":\"second\""), lines.get(2));
        store.close();
        FileSessionStore reopened = open();
        assertEquals(List.of("first", "second"), contents(reopened.history(MAIN, 10)));
        assertEquals(sessions + 1, reopened.count(SessionQuery.all(1000)));
    }

    @Test
    void manyWritersOverManySessionsWhileFilesAreTrimmedAndFsynced() throws Exception {
        FileSessionStore store = open(FileSessionStore.builder().directory(dir).fsyncInterval(Duration.ofMillis(1)));
        int writers = 8;
        int sessions = 1000;
        int rounds = 5;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        for (int i = writer; i < sessions; i += writers) {
                            store.append(SessionKey.of("s" + i), msg("r" + r, r));
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), errors(), "the background thread hit no error");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (store.openTranscripts() > 256) {
            assertTrue(System.nanoTime() < deadline, "still open: " + store.openTranscripts());
            Thread.yield();
        }
        store.close();
        FileSessionStore reopened = open();
        assertEquals(sessions, reopened.count(SessionQuery.all(10)));
        for (int i = 0; i < sessions; i += 97) {
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), contents(reopened.history(SessionKey.of("s" + i), 10)));
        }
    }

    // ---- misuse and failures ---------------------------------------------------------------------

    @Test
    void aDirectoryIsOpenedByOneStoreAtATime() {
        FileSessionStore first = open();
        SessionStoreException e = assertThrows(SessionStoreException.class, this::open);
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("already open"), e.getMessage());
        first.close();
        open().append(MAIN, msg("after", 0));
    }

    @Test
    void aClosedStoreRefusesWork() {
        FileSessionStore store = open();
        store.close();
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.append(MAIN, msg("x", 0)));
        assertTrue(e.getMessage().startsWith("session store closed: "), e.getMessage());
        assertThrows(IllegalStateException.class, () -> store.list(SessionQuery.all(1)));
    }

    @Test
    void aWriteFailureNamesTheFile() throws IOException {
        FileSessionStore store = open();
        store.append(MAIN, msg("kept", 0));
        // The transcripts directory turns into a plain file: no new transcript can be created.
        Path transcripts = dir.resolve("transcripts");
        Files.move(transcripts, dir.resolve("moved-away"));
        Files.writeString(transcripts, "not a directory");

        SessionStoreException e = assertThrows(SessionStoreException.class,
                () -> store.append(SessionKey.of("newcomer"), msg("lost", 1)));
        assertTrue(e.getMessage().contains(transcripts.resolve("newcomer.jsonl").toString()), e.getMessage());
        assertEquals(Optional.empty(), store.info(SessionKey.of("newcomer")));
        assertEquals(1, store.info(MAIN).orElseThrow().messageCount());
    }

    @Test
    void openingWhereAFileStandsNamesThePath() throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        SessionStoreException e = assertThrows(SessionStoreException.class,
                () -> open(FileSessionStore.builder().directory(file.resolve("sessions"))));
        assertTrue(e.getMessage().contains(file.resolve("sessions").toString()), e.getMessage());
    }

    @Test
    void theBuilderNamesBadSettings() {
        assertEquals("directory: required (expected: the sessions directory)",
                assertThrows(IllegalStateException.class, () -> FileSessionStore.builder().build()).getMessage());
        assertEquals("fsyncInterval: PT0S (expected: PT0.001S to PT10S)", assertThrows(IllegalArgumentException.class,
                () -> FileSessionStore.builder().directory(dir).fsyncInterval(Duration.ZERO).build()).getMessage());
        assertEquals("cachedSessions: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> FileSessionStore.builder().directory(dir).cachedSessions(0).build()).getMessage());
    }
}
