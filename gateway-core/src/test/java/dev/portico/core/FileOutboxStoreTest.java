package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStoreException;
import dev.portico.core.internal.Syncer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does: its journal, crash recovery, compaction and fsync policies. */
class FileOutboxStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long DEADLINE_SECONDS = 10;
    private static final Duration LONG = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final List<FileOutboxStore> opened = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger(FileOutboxStore.class.getName());
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

    FileOutboxStoreTest() {
        julLogger.addHandler(capture);
    }

    @AfterEach
    void closeAll() {
        julLogger.removeHandler(capture);
        for (FileOutboxStore s : opened) {
            try {
                s.close();
            } catch (OutboxStoreException e) {
                // a test's failing syncer; the test has looked at it
            }
        }
    }

    // ---- the journal --------------------------------------------------------------------------

    @Test
    void eachAddAndUpdateAppendsOneCompactSnakeCaseLine() throws IOException {
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.NEVER));
        OutboxMessage m = OutboxMessage.pending("m1", "telegram", "main", "42", Optional.of("7"), "hi\nthere",
                Map.of("message_id", "99"), "api", Optional.of("k1"), Optional.of("fp1"), T0);
        store.add(m);
        OutboxMessage done = m.progressed(1, 0, T0.plusSeconds(1), Optional.empty(), Optional.of("p-5"))
                .finished(DeliveryStatus.DELIVERED, Optional.empty());
        store.update(done);

        List<String> lines = journalLines();
        assertEquals(List.of(
                "{\"id\":\"m1\",\"channel\":\"telegram\",\"account_id\":\"main\",\"chat_id\":\"42\",\"thread_id\":\"7\","
                        + "\"text\":\"hi\\nthere\",\"reply_context\":{\"message_id\":\"99\"},\"source\":\"api\","
                        + "\"idempotency_key\":\"k1\",\"fingerprint\":\"fp1\",\"created_at\":\"2026-03-01T10:00:00Z\","
                        + "\"status\":\"pending\",\"parts_sent\":0,\"attempts\":0,\"next_attempt\":\"2026-03-01T10:00:00Z\"}",
                "{\"id\":\"m1\",\"channel\":\"telegram\",\"account_id\":\"main\",\"chat_id\":\"42\",\"thread_id\":\"7\","
                        + "\"text\":\"hi\\nthere\",\"reply_context\":{\"message_id\":\"99\"},\"source\":\"api\","
                        + "\"idempotency_key\":\"k1\",\"fingerprint\":\"fp1\",\"created_at\":\"2026-03-01T10:00:00Z\","
                        + "\"status\":\"delivered\",\"parts_sent\":1,\"attempts\":0,\"next_attempt\":\"2026-03-01T10:00:01Z\","
                        + "\"platform_message_id\":\"p-5\"}"), lines);
        assertTrue(Files.readString(journal()).endsWith("}\n"));

        store.close();
        open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.NEVER).clock(new TestClock(T0)));
        assertEquals(List.of(lines.get(1)), journalLines(), "opening keeps the last snapshot only");
    }

    @Test
    void aTornLastLineIsIgnoredAndGoneFromTheJournalAfterOpening() throws IOException {
        FileOutboxStore store = open();
        OutboxMessage a = pending("a", T0);
        OutboxMessage b = pending("b", T0.plusSeconds(1));
        store.add(a);
        store.add(b);
        OutboxMessage tried = a.progressed(0, 1, T0.plusSeconds(5), Optional.of("HTTP 502"), Optional.empty());
        store.update(tried);
        store.close();
        // A crash in the middle of writing a's next snapshot.
        String next = new String(FileOutboxStore.line(tried.finished(DeliveryStatus.FAILED, Optional.of("gone"))),
                StandardCharsets.UTF_8);
        appendBytes(next.substring(0, next.length() / 2).getBytes(StandardCharsets.UTF_8));

        FileOutboxStore again = open();
        assertEquals(List.of(tried, b), again.load());
        assertEquals(lines(tried, b), Files.readString(journal()), "rewritten without the torn bytes");
        assertTrue(warnings().stream().anyMatch(w -> w.contains(journal().toString()) && w.contains("last line")),
                warnings().toString());

        OutboxMessage c = pending("c", T0.plusSeconds(2));
        again.add(c);
        again.close();
        assertEquals(List.of(tried, b, c), open().load());
    }

    @Test
    void aLastLineCutInsideACharacterIsIgnored() throws IOException {
        FileOutboxStore store = open();
        OutboxMessage a = pending("a", T0);
        store.add(a);
        store.close();
        byte[] line = FileOutboxStore.line(a.progressed(0, 1, T0, Optional.of("emoji 🎉 error"), Optional.empty()));
        int emoji = new String(line, StandardCharsets.UTF_8).indexOf("🎉");
        byte[] cut = new byte[new String(line, StandardCharsets.UTF_8).substring(0, emoji)
                .getBytes(StandardCharsets.UTF_8).length + 2]; // two of the emoji's four bytes
        System.arraycopy(line, 0, cut, 0, cut.length);
        appendBytes(cut);

        assertEquals(List.of(a), open().load());
        assertEquals(lines(a), Files.readString(journal()));
    }

    @Test
    void aWholeLastSnapshotThatOnlyLacksItsLineEndIsUsed() throws IOException {
        FileOutboxStore store = open();
        OutboxMessage a = pending("a", T0);
        store.add(a);
        store.close();
        OutboxMessage sent = a.progressed(1, 0, T0, Optional.empty(), Optional.of("p-1"));
        byte[] line = FileOutboxStore.line(sent);
        appendBytes(Arrays.copyOf(line, line.length - 1));

        assertEquals(List.of(sent), open().load());
        assertEquals(lines(sent), Files.readString(journal()));
    }

    @Test
    void unreadableLinesInTheMiddleAreSkippedWithAWarningNamingThem() throws IOException {
        OutboxMessage a = pending("a", T0);
        OutboxMessage b = pending("b", T0.plusSeconds(1));
        OutboxMessage c = pending("c", T0.plusSeconds(2));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(FileOutboxStore.line(a));
        file.writeBytes("not json at all\n".getBytes(StandardCharsets.UTF_8));
        file.writeBytes(FileOutboxStore.line(b));
        file.writeBytes("{\"id\":\"x\",\"channel\":\"telegram\"}\n".getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {'{', '"', (byte) 0xC3, '(', '"', '}', '\n'});
        file.writeBytes(new String(FileOutboxStore.line(pending("y", T0)), StandardCharsets.UTF_8)
                .replace("\"status\":\"pending\"", "\"status\":\"lost\"").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(FileOutboxStore.line(c));
        Files.createDirectories(outbox());
        Files.write(journal(), file.toByteArray());

        FileOutboxStore store = open();
        assertEquals(List.of(a, b, c), store.load());
        List<String> warnings = warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.contains(journal() + ": skipped line 2 (not a JSON object)")),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped line 4 (account_id: missing)")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped line 5 (not UTF-8)")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped line 6 (delivery status: lost)")), warnings.toString());
        assertEquals(lines(a, b, c), Files.readString(journal()));
    }

    @Test
    void aLeftoverTemporaryFileIsRemoved() throws IOException {
        Files.createDirectories(outbox());
        Path tmp = outbox().resolve("outbox.jsonl.tmp");
        Files.writeString(tmp, "half a rewrite");
        open();
        assertFalse(Files.exists(tmp));
    }

    // ---- compaction while running ---------------------------------------------------------------

    @Test
    void theJournalIsCompactedWhileRunningKeepingEveryPendingMessage() throws IOException {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.BATCHED)
                .fsyncInterval(Duration.ofMillis(1)).syncer(syncer));
        String text = "x".repeat(1000);
        List<OutboxMessage> waiting = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OutboxMessage m = OutboxMessage.pending(String.format("m%02d", i), "telegram", "main", "42", Optional.empty(),
                    text, Map.of(), "api", Optional.empty(), Optional.empty(), T0.plusSeconds(i));
            store.add(m);
            if (i < 20) {
                store.update(m.finished(DeliveryStatus.DELIVERED, Optional.empty())); // forgotten
            } else {
                waiting.add(m);
            }
        }
        int rewritesAtOpen = syncer.otherSyncs.get();
        long largest = 0;
        boolean shrank = false;
        int rounds = 0;
        while (!shrank) {
            assertTrue(++rounds < 1000, "no compaction after " + Files.size(journal()) + " bytes");
            for (int i = 0; i < waiting.size(); i++) {
                long before = Files.size(journal());
                OutboxMessage m = waiting.get(i);
                waiting.set(i, m.progressed(0, rounds, T0.plusSeconds(rounds), Optional.of("round " + rounds),
                        Optional.empty()));
                store.update(waiting.get(i));
                long after = Files.size(journal());
                largest = Math.max(largest, after);
                shrank |= after < before;
            }
        }
        assertTrue(largest <= FileOutboxStore.COMPACT_BYTES && largest > FileOutboxStore.COMPACT_BYTES - 2000,
                "compacted by the write that took it over 4 MiB: " + largest);
        assertTrue(Files.size(journal()) < 200_000, "the compacted journal holds little more than the pending messages");
        assertTrue(syncer.otherSyncs.get() > rewritesAtOpen, "the rewrite is fsynced (file and directory)");
        assertEquals(waiting, store.load());
        store.close();
        assertEquals(waiting, open().load());
    }

    @Test
    void concurrentWritersUnderAlwaysAcrossCompactionsLoseNothing() throws Exception {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS)
                .fsyncInterval(Duration.ofMillis(1)).syncer(syncer));
        int writers = 4;
        int each = 50;
        int updates = 25;
        String text = "y".repeat(1000);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<OutboxMessage>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<OutboxMessage> last = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        OutboxMessage m = OutboxMessage.pending("w" + writer + "-" + i, "telegram", "main", "42",
                                Optional.empty(), text, Map.of(), "api", Optional.empty(), Optional.empty(),
                                T0.plusSeconds(writer * 1000L + i));
                        store.add(m);
                        for (int u = 1; u <= updates; u++) {
                            m = m.progressed(0, u, T0, Optional.of("try " + u), Optional.empty());
                            store.update(m);
                        }
                        last.add(m);
                    }
                    return last;
                }));
            }
            start.countDown();
            List<OutboxMessage> expected = new ArrayList<>();
            for (Future<List<OutboxMessage>> f : futures) {
                expected.addAll(f.get(DEADLINE_SECONDS * 3, TimeUnit.SECONDS));
            }
            assertTrue(Files.size(journal()) < FileOutboxStore.COMPACT_BYTES, "compacted at least once");
            assertEquals(expected, store.load());
            store.close();
            assertEquals(expected, open().load());
        }
    }

    // ---- fsync policies -----------------------------------------------------------------------

    @Test
    void underAlwaysAnAddReturnsOnlyAfterAnFsyncOfItsLine() throws Exception {
        RecordingSyncer syncer = new RecordingSyncer().holding();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS)
                .fsyncInterval(LONG).syncer(syncer));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> add = pool.submit(() -> {
                store.add(pending("a", T0));
                return syncer.journalSyncs.get();
            });
            assertTrue(syncer.entered.tryAcquire(DEADLINE_SECONDS, TimeUnit.SECONDS), "an fsync started");
            assertFalse(add.isDone(), "add returned before its fsync finished");
            assertTrue(Files.readString(journal()).contains("\"id\":\"a\""), "written before the fsync");
            syncer.release();
            assertEquals(1, add.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "fsyncs seen when add returned");
        }
        assertEquals("portico-outbox-sync", syncer.lastThread);
    }

    @Test
    void underAlwaysAddsThatArriveDuringAnFsyncShareTheNextOne() throws Exception {
        RecordingSyncer syncer = new RecordingSyncer().holding();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS)
                .fsyncInterval(LONG).syncer(syncer));
        int waiting = 20;
        List<Thread> adders = new ArrayList<>();
        adders.add(Thread.ofPlatform().start(() -> store.add(pending("first", T0))));
        assertTrue(syncer.entered.tryAcquire(DEADLINE_SECONDS, TimeUnit.SECONDS), "the first fsync started");
        for (int i = 0; i < waiting; i++) {
            String id = "m" + i;
            adders.add(Thread.ofPlatform().start(() -> store.add(pending(id, T0.plusSeconds(1)))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (store.awaitingFsync() < waiting) {
            assertTrue(System.nanoTime() < deadline, "adders did not queue up: " + store.awaitingFsync());
            Thread.yield();
        }
        assertEquals(waiting + 1, store.load().size(), "all written while the first fsync is held");
        syncer.release();
        for (Thread t : adders) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            assertFalse(t.isAlive());
        }
        assertEquals(2, syncer.journalSyncs.get(), "one fsync for the first add, one for the 20 that waited behind it");
        store.close();
        assertEquals(waiting + 1, open().load().size());
    }

    @Test
    void underAlwaysAnUpdateDoesNotWaitForAnFsyncWhichFollowsWithinTheInterval() throws Exception {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS)
                .fsyncInterval(Duration.ofMillis(5)).syncer(syncer));
        OutboxMessage a = pending("a", T0);
        store.add(a);
        assertEquals(1, syncer.journalSyncs.get());
        syncer.entered.drainPermits();
        syncer.holding();
        OutboxMessage tried = a.progressed(0, 1, T0.plusSeconds(5), Optional.of("timeout"), Optional.empty());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> store.update(tried)).get(DEADLINE_SECONDS, TimeUnit.SECONDS); // returns though fsyncs are held
            assertTrue(syncer.entered.tryAcquire(DEADLINE_SECONDS, TimeUnit.SECONDS), "its fsync follows");
            assertEquals(1, syncer.journalSyncs.get());
            syncer.release();
        }
        store.flush();
        assertEquals(2, syncer.journalSyncs.get());
    }

    @Test
    void underBatchedAnAddIsWrittenButNotFsyncedUntilFlushOrClose() throws IOException {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.BATCHED)
                .fsyncInterval(LONG).syncer(syncer));
        store.add(pending("a", T0));
        assertTrue(Files.readString(journal()).contains("\"id\":\"a\""), "written to the OS when add returns");
        assertEquals(0, syncer.journalSyncs.get());
        store.flush();
        assertEquals(1, syncer.journalSyncs.get());
        store.flush();
        assertEquals(1, syncer.journalSyncs.get(), "nothing new to fsync");
        store.update(pending("a", T0).progressed(0, 1, T0, Optional.empty(), Optional.empty()));
        store.add(pending("b", T0));
        assertEquals(1, syncer.journalSyncs.get());
        store.close();
        assertEquals(2, syncer.journalSyncs.get(), "close fsyncs what is left");
    }

    @Test
    void underBatchedTheSyncThreadFsyncsWithinTheInterval() throws Exception {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.BATCHED)
                .fsyncInterval(Duration.ofMillis(5)).syncer(syncer));
        store.add(pending("a", T0));
        assertTrue(syncer.entered.tryAcquire(DEADLINE_SECONDS, TimeUnit.SECONDS), "an fsync follows");
        assertEquals("portico-outbox-sync", syncer.lastThread);
    }

    @Test
    void underNeverNothingIsEverFsynced() throws IOException {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore.Builder never = FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.NEVER).syncer(syncer);
        FileOutboxStore store = open(never);
        OutboxMessage a = pending("a", T0);
        store.add(a);
        store.add(pending("b", T0));
        store.update(pending("b", T0).finished(DeliveryStatus.DELIVERED, Optional.empty()));
        store.flush();
        store.close();
        assertEquals(List.of(a), open(never).load());
        assertEquals(0, syncer.journalSyncs.get() + syncer.otherSyncs.get());
    }

    // ---- failures -----------------------------------------------------------------------------

    @Test
    void aFailedFsyncFailsTheAddAndFlushNamingTheFile() {
        RecordingSyncer syncer = new RecordingSyncer();
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS)
                .fsyncInterval(LONG).syncer(syncer));
        syncer.failing = "disk on fire";
        OutboxStoreException e = assertThrows(OutboxStoreException.class, () -> store.add(pending("a", T0)));
        assertEquals("outbox: could not fsync " + journal() + " (disk on fire)", e.getMessage());
        assertThrows(OutboxStoreException.class, store::flush);
        OutboxStoreException onClose = assertThrows(OutboxStoreException.class, store::close);
        assertTrue(onClose.getMessage().contains(journal().toString()), onClose.getMessage());
        assertThrows(IllegalStateException.class, store::load);
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsTheOpeningNamingIt() throws IOException {
        Path blocker = dir.resolve("state");
        Files.writeString(blocker, "a file where the state directory should be");
        Path where = blocker.resolve("outbox");
        OutboxStoreException e = assertThrows(OutboxStoreException.class, () -> FileOutboxStore.open(where));
        assertTrue(e.getMessage().startsWith("outbox: could not use " + where + " ("), e.getMessage());
    }

    @Test
    void aJournalThatCannotBeReadFailsTheOpeningNamingIt() throws IOException {
        Files.createDirectories(journal()); // a directory where the journal should be
        OutboxStoreException e = assertThrows(OutboxStoreException.class, () -> FileOutboxStore.open(outbox()));
        assertTrue(e.getMessage().startsWith("outbox: could not read " + journal() + " ("), e.getMessage());
    }

    @Test
    void anInterruptedCallerStillAddsAndLeavesTheJournalUsable() throws Exception {
        FileOutboxStore store = open(FileOutboxStore.builder().directory(outbox()).fsync(FsyncPolicy.ALWAYS));
        OutboxMessage before = pending("a", T0);
        OutboxMessage during = pending("b", T0.plusSeconds(1));
        OutboxMessage after = pending("c", T0.plusSeconds(2));
        store.add(before);
        Thread.currentThread().interrupt();
        try {
            store.add(during);
            store.update(during);
            store.flush();
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
        } finally {
            Thread.interrupted();
        }
        Thread other = Thread.ofPlatform().start(() -> store.add(after));
        other.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        assertFalse(other.isAlive());
        store.close();
        assertEquals(List.of(before, during, after), open().load());
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingThem() {
        IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
                () -> FileOutboxStore.builder().directory(outbox()).fsyncInterval(Duration.ZERO).build());
        assertEquals("fsyncInterval: PT0S (expected: PT0.001S to PT10S)", interval.getMessage());
        IllegalArgumentException retention = assertThrows(IllegalArgumentException.class,
                () -> FileOutboxStore.builder().directory(outbox()).retention(Duration.ofDays(31)).build());
        assertEquals("retention: PT744H (expected: PT0S to PT720H)", retention.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> FileOutboxStore.builder().directory(outbox()).maxRetained(-1).build());
        assertEquals("maxRetained: -1 (expected: 0 to 10000000)", max.getMessage());
        IllegalStateException noDir = assertThrows(IllegalStateException.class, () -> FileOutboxStore.builder().build());
        assertEquals("directory: required (expected: the outbox directory)", noDir.getMessage());
        assertFalse(Files.exists(outbox()), "nothing created for refused settings");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Counts fsyncs of the journal apart from the others (the rewrite's temporary file, the
     * directory); while held, journal fsyncs wait until released.
     */
    private static final class RecordingSyncer implements Syncer {
        final AtomicInteger journalSyncs = new AtomicInteger();
        final AtomicInteger otherSyncs = new AtomicInteger();
        final Semaphore entered = new Semaphore(0);
        volatile CountDownLatch hold;
        volatile String failing;
        volatile String lastThread;

        RecordingSyncer holding() {
            hold = new CountDownLatch(1);
            return this;
        }

        void release() {
            hold.countDown();
        }

        @Override
        public void sync(FileChannel channel, Path file) throws IOException {
            if (!file.getFileName().toString().equals("outbox.jsonl")) {
                otherSyncs.incrementAndGet();
                return;
            }
            lastThread = Thread.currentThread().getName();
            entered.release();
            CountDownLatch h = hold;
            try {
                if (h != null && !h.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("test syncer held too long");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (failing != null) {
                throw new IOException(failing);
            }
            journalSyncs.incrementAndGet();
        }

        @Override
        public void syncDirectory(Path directory) {
            otherSyncs.incrementAndGet();
        }
    }

    private Path outbox() {
        return dir.resolve("outbox");
    }

    private Path journal() {
        return outbox().resolve("outbox.jsonl");
    }

    private FileOutboxStore open() {
        return open(FileOutboxStore.builder().directory(outbox()));
    }

    private FileOutboxStore open(FileOutboxStore.Builder builder) {
        FileOutboxStore s = builder.build();
        opened.add(s);
        return s;
    }

    private List<String> journalLines() throws IOException {
        return Files.readAllLines(journal());
    }

    private void appendBytes(byte[] bytes) throws IOException {
        Files.write(journal(), bytes, StandardOpenOption.APPEND);
    }

    private static String lines(OutboxMessage... messages) {
        StringBuilder sb = new StringBuilder();
        for (OutboxMessage m : messages) {
            sb.append(new String(FileOutboxStore.line(m), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private List<String> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).toList();
        }
    }

    private static OutboxMessage pending(String id, Instant createdAt) {
        return OutboxMessage.pending(id, "telegram", "main", "42", Optional.empty(), "text of " + id, Map.of(), "api",
                Optional.empty(), Optional.empty(), createdAt);
    }
}
