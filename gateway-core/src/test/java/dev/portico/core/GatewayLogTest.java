package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON log: format, fields, levels, rotation, reading back, redaction and live delivery. */
class GatewayLogTest {
    private static final AtomicInteger LOGGERS = new AtomicInteger();

    @TempDir
    Path dir;

    final TestClock clock = new TestClock(Instant.parse("2026-05-10T00:00:00.123Z"));
    final List<GatewayLog> opened = new ArrayList<>();
    /** The logger of this test, held so that it is not collected with its level and handler. */
    Logger jul;

    @AfterEach
    void closeAll() {
        if (jul != null) {
            for (Handler h : jul.getHandlers()) {
                jul.removeHandler(h);
            }
        }
        opened.forEach(GatewayLog::close);
    }

    /** A log in {@link #dir} with these settings, receiving everything {@link #jul} logs. */
    GatewayLog open(long maxFileBytes, int maxFiles) {
        GatewayLog log = GatewayLog.builder().directory(dir).maxFileBytes(maxFileBytes).maxFiles(maxFiles)
                .clock(clock).build();
        opened.add(log);
        if (jul == null) {
            jul = Logger.getLogger("dev.portico.test.log" + LOGGERS.incrementAndGet());
            jul.setLevel(Level.ALL);
            jul.setUseParentHandlers(false);
        }
        jul.addHandler(log);
        return log;
    }

    GatewayLog open() {
        return open(GatewayLog.DEFAULT_MAX_FILE_BYTES, GatewayLog.DEFAULT_MAX_FILES);
    }

    List<JsonObject> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(l -> Json.createReader(new StringReader(l)).readObject()).toList();
    }

    String everything() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    @Test
    void oneJsonLinePerRecordWithTimeLevelLoggerAndMessage() throws Exception {
        open();
        jul.log(Level.SEVERE, "severe");
        jul.log(Level.WARNING, "warning");
        jul.log(Level.INFO, "info");
        jul.log(Level.CONFIG, "config");
        jul.log(Level.FINE, "fine");
        jul.log(Level.FINER, "finer");
        jul.log(Level.FINEST, "finest");
        jul.log(Level.INFO, "hello {0}, you have {1} messages", new Object[] {"ada", 3});
        jul.log(Level.INFO, "a line\nbreak and a \"quote\"");

        Path file = dir.resolve("gateway.log");
        List<JsonObject> lines = lines(file);
        assertEquals(9, lines.size());
        assertEquals(List.of("ERROR", "WARN", "INFO", "INFO", "DEBUG", "TRACE", "TRACE", "INFO", "INFO"),
                lines.stream().map(l -> l.getString("level")).toList());
        JsonObject first = lines.get(0);
        assertEquals(List.of("time", "level", "logger", "msg"), List.copyOf(first.keySet()), "in this order");
        assertEquals("2026-05-10T00:00:00.123Z", first.getString("time"));
        assertEquals(jul.getName(), first.getString("logger"));
        assertEquals("severe", first.getString("msg"));
        assertEquals("hello ada, you have 3 messages", lines.get(7).getString("msg"));
        assertEquals("a line\nbreak and a \"quote\"", lines.get(8).getString("msg"));
        assertEquals(9, Files.readString(file).lines().count(), "a line break in a message stays inside its line");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aSystemLoggerDeliversTheFieldsMapAsAParameterAndTheyBecomeTopLevelFields() throws Exception {
        GatewayLog log = open();
        List<LogRecord> seen = new ArrayList<>();
        jul.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        System.Logger logger = System.getLogger(jul.getName());
        logger.log(System.Logger.Level.INFO, "run finished",
                GatewayLog.fields("run_id", "r-1", "session", "main", "duration_ms", 12, "ok", true, "ratio", 0.5));
        logger.log(System.Logger.Level.ERROR, "store failed", new IOException("disk full"));
        GatewayLog.log(logger, System.Logger.Level.ERROR, "GET /x failed", new IllegalStateException("bad state",
                new IOException("root cause")), GatewayLog.fields("route", "/x", "status", 500, "time", "mine"));
        logger.log(System.Logger.Level.DEBUG, "not {0} formatted", GatewayLog.fields("k", "v"));

        Object[] params = seen.get(0).getParameters();
        assertNotNull(params, "System.Logger hands its parameters to java.util.logging");
        assertEquals(Map.of("run_id", "r-1", "session", "main", "duration_ms", 12, "ok", true, "ratio", 0.5),
                assertInstanceOf(Map.class, params[0]));
        assertInstanceOf(IllegalStateException.class, seen.get(2).getThrown(), "handlers see the exception");

        List<JsonObject> lines = lines(dir.resolve("gateway.log"));
        JsonObject run = lines.get(0);
        assertEquals(List.of("time", "level", "logger", "msg", "run_id", "session", "duration_ms", "ok", "ratio"),
                List.copyOf(run.keySet()));
        assertEquals("r-1", run.getString("run_id"));
        assertEquals(12, run.getInt("duration_ms"));
        assertTrue(run.getBoolean("ok"));
        assertEquals(0.5, run.getJsonNumber("ratio").doubleValue());
        assertEquals("java.io.IOException: disk full", lines.get(1).getString("error"));
        JsonObject failed = lines.get(2);
        assertEquals("/x", failed.getString("route"));
        assertEquals(500, failed.getInt("status"));
        assertEquals("mine", failed.getString("time_"), "a field named like the line's own gets a trailing _");
        assertEquals("2026-05-10T00:00:00.123Z", failed.getString("time"));
        assertEquals("java.lang.IllegalStateException: bad state; caused by: java.io.IOException: root cause",
                failed.getString("error"));
        assertEquals("DEBUG", lines.get(3).getString("level"));
        assertTrue(lines.get(3).getString("msg").startsWith("not "), lines.get(3).toString());

        assertEquals("r-1", log.recent(10).get(0).fields().get("run_id"));
        assertEquals(12L, log.recent(10).get(0).fields().get("duration_ms"));
        assertThrows(IllegalArgumentException.class, () -> GatewayLog.fields("odd"));
        assertThrows(IllegalArgumentException.class, () -> GatewayLog.fields(1, "not a name"));
    }

    @Test
    void rotationKeepsAtMostMaxFilesEachUnderTheLimitAndReadingSpansThem() throws Exception {
        GatewayLog log = open(400, 3);
        for (int i = 0; i < 60; i++) {
            jul.info(String.format("line %02d", i));
        }
        assertTrue(Files.exists(dir.resolve("gateway.log.1")));
        assertTrue(Files.exists(dir.resolve("gateway.log.2")));
        assertFalse(Files.exists(dir.resolve("gateway.log.3")), "at most 3 files in all");
        for (String name : List.of("gateway.log", "gateway.log.1", "gateway.log.2")) {
            assertTrue(Files.size(dir.resolve(name)) <= 400, name + " is " + Files.size(dir.resolve(name)) + " bytes");
        }
        // What is kept is a contiguous run ending with the last line, oldest file first.
        List<String> kept = new ArrayList<>();
        for (String name : List.of("gateway.log.2", "gateway.log.1", "gateway.log")) {
            lines(dir.resolve(name)).forEach(l -> kept.add(l.getString("msg")));
        }
        assertEquals("line 59", kept.get(kept.size() - 1));
        for (int i = 1; i < kept.size(); i++) {
            assertEquals(Integer.parseInt(kept.get(i - 1).substring(5)) + 1, Integer.parseInt(kept.get(i).substring(5)));
        }
        int inCurrent = lines(dir.resolve("gateway.log")).size();

        assertEquals(List.of("line 55", "line 56", "line 57", "line 58", "line 59"), msgs(log.recent(5)));
        List<String> spanning = msgs(log.recent(inCurrent + 2));
        assertEquals(inCurrent + 2, spanning.size(), "the newest lines of .1 come before those of gateway.log");
        assertEquals(kept.subList(kept.size() - inCurrent - 2, kept.size()), spanning);
        assertEquals(kept, msgs(log.recent(1000)), "everything kept, across the three files, in order");

        // After a restart the files are read again, and new lines go on after the old ones.
        log.close();
        jul.removeHandler(log);
        GatewayLog again = open(400, 3);
        assertEquals(kept, msgs(again.recent(1000)));
        jul.info("after restart");
        assertEquals(List.of("line 59", "after restart"), msgs(again.recent(2)));
        assertEquals(List.of("line 58", "line 59", "after restart"), msgs(GatewayLog.read(dir, 3)),
                "another process reads the same");
    }

    @Test
    void oneMaxFileKeepsOnlyTheCurrentFile() throws Exception {
        GatewayLog log = open(120, 1);
        for (int i = 0; i < 10; i++) {
            jul.info("entry number " + i);
        }
        assertFalse(Files.exists(dir.resolve("gateway.log.1")));
        assertTrue(Files.size(dir.resolve("gateway.log")) <= 120);
        assertEquals("entry number 9", log.recent(1).get(0).msg());
    }

    static List<String> msgs(List<GatewayLog.Entry> entries) {
        return entries.stream().map(GatewayLog.Entry::msg).toList();
    }

    @Test
    void queriesFilterByLevelTextAndTimeAndKeepTheNewestMatches() throws Exception {
        GatewayLog log = open();
        System.Logger logger = System.getLogger(jul.getName());
        logger.log(System.Logger.Level.INFO, "gateway started");
        logger.log(System.Logger.Level.WARNING, "slow upstream", GatewayLog.fields("provider", "OpenAI"));
        clock.advance(Duration.ofMinutes(10));
        logger.log(System.Logger.Level.ERROR, "run failed", GatewayLog.fields("reason", "Timeout reached"));
        logger.log(System.Logger.Level.DEBUG, "noise");
        clock.advance(Duration.ofMinutes(10));
        logger.log(System.Logger.Level.WARNING, "disk almost full");
        logger.log(System.Logger.Level.INFO, "openai answered");
        Instant now = clock.instant();

        assertEquals(List.of("slow upstream", "run failed", "disk almost full"),
                msgs(log.query(GatewayLog.Query.of("warn", null, null, 100, now))));
        assertEquals(List.of("run failed"), msgs(log.query(GatewayLog.Query.of("ERROR", null, null, 100, now))));
        assertEquals(6, log.query(GatewayLog.Query.of("trace", null, null, 100, now)).size());
        assertEquals(List.of("slow upstream", "openai answered"),
                msgs(log.query(GatewayLog.Query.of(null, "OPENAI", null, 100, now))), "message or any field, any case");
        assertEquals(List.of("run failed"), msgs(log.query(GatewayLog.Query.of(null, "timeout", null, 100, now))));
        assertEquals(List.of("disk almost full", "openai answered"),
                msgs(log.query(GatewayLog.Query.of(null, null, "5m", 100, now))));
        assertEquals(List.of("run failed", "noise", "disk almost full", "openai answered"),
                msgs(log.query(GatewayLog.Query.of(null, null, "2026-05-10T00:05:00Z", 100, now))));
        assertEquals(List.of("run failed", "noise", "disk almost full", "openai answered"),
                msgs(log.query(GatewayLog.Query.of(null, null, "2026-05-10T02:05:00+02:00", 100, now))));
        assertEquals(6, log.query(GatewayLog.Query.of(null, null, "1d", 100, now)).size());
        assertEquals(List.of("disk almost full", "openai answered"),
                msgs(log.query(GatewayLog.Query.of(null, null, null, 2, now))), "the newest, oldest first");
        assertEquals(List.of("run failed", "disk almost full"),
                msgs(log.query(GatewayLog.Query.of("warn", null, null, 2, now))));

        assertEquals("level: loud (expected: trace, debug, info, warn or error)", assertThrows(
                IllegalArgumentException.class, () -> GatewayLog.Query.of("loud", null, null, 10, now)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayLog.Query.of(null, null, "yesterday", 10,
                now)).getMessage().startsWith("since: yesterday (expected: an ISO-8601 time"));
        assertEquals("limit: 1001 (expected: 1..1000)", assertThrows(IllegalArgumentException.class,
                () -> GatewayLog.Query.of(null, null, null, 1001, now)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewayLog.Query.of(null, null, null, 0, now));
    }

    @Test
    void aLineThatIsNotJsonIsAnInfoEntryWithTheLineAsMessage() throws Exception {
        GatewayLog log = open();
        jul.info("before");
        Files.writeString(dir.resolve("gateway.log"), "edited by hand\n\n", StandardOpenOption.APPEND);
        jul.info("after");
        List<GatewayLog.Entry> entries = log.recent(10);
        assertEquals(List.of("before", "edited by hand", "after"), msgs(entries));
        GatewayLog.Entry edited = entries.get(1);
        assertEquals("{\"time\":null,\"level\":\"INFO\",\"msg\":\"edited by hand\"}", edited.json());
        assertEquals(Optional.empty(), edited.time());
        assertEquals("INFO", edited.level());
        assertEquals(Files.readAllLines(dir.resolve("gateway.log")).get(0), entries.get(0).json(),
                "a JSON line is returned as stored");
    }

    @Test
    void noSecretIsEverWrittenDeliveredOrReadBack() throws Exception {
        GatewayLog log = open();
        BlockingQueue<GatewayLog.Entry> live = new LinkedBlockingQueue<>();
        log.subscribe(live::add);
        String registered = "registered-Secret-0123456789";
        log.redact(registered);
        log.redact("");
        log.redact("abc");
        List<String> secrets = List.of(registered, "bearer-value-01", "dXNlcjpiYXNpYy1wdw==", "query-token-02",
                "amp-token-03", "apikey-value-04", "apikey-value-05", "password-value-06", "password-value-07",
                "secret-value-08", "pw-json-09", "ak-json-10", "sec-json-11", "tok-json-12",
                "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX", "field-bearer-13", "field-token-14", "field-key-15",
                "exc-password-16", "url-password-17", "header-key-18", "late-secret-value-19");
        System.Logger logger = System.getLogger(jul.getName());
        logger.log(System.Logger.Level.INFO, "configured with " + registered + " as the token");
        logger.log(System.Logger.Level.INFO, "Authorization: Bearer bearer-value-01");
        logger.log(System.Logger.Level.INFO, "Authorization: Basic dXNlcjpiYXNpYy1wdw==");
        logger.log(System.Logger.Level.INFO, "GET /api/events/live?token=query-token-02 refused");
        logger.log(System.Logger.Level.INFO, "GET /api/events?session=main&token=amp-token-03");
        logger.log(System.Logger.Level.INFO, "provider api_key=apikey-value-04, apiKey: apikey-value-05");
        logger.log(System.Logger.Level.INFO, "login password=password-value-06 then password: password-value-07");
        logger.log(System.Logger.Level.INFO, "webhook secret=secret-value-08");
        logger.log(System.Logger.Level.INFO,
                "config {\"password\":\"pw-json-09\",\"apiKey\": \"ak-json-10\",\"secret\":\"sec-json-11\",\"token\":\"tok-json-12\"}");
        logger.log(System.Logger.Level.INFO, "key sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX in use");
        logger.log(System.Logger.Level.INFO, "request", GatewayLog.fields("note", "Bearer field-bearer-13",
                "token", "field-token-14", "api_key", "field-key-15", "detail", "was " + registered));
        logger.log(System.Logger.Level.ERROR, "upstream failed",
                new IOException("connect refused: password=exc-password-16, token " + registered));
        logger.log(System.Logger.Level.INFO, "provider at https://user:url-password-17@llm.example/v1");
        logger.log(System.Logger.Level.INFO, "header X-Api-Key: header-key-18");
        // Kept as they are: nothing secret in them.
        logger.log(System.Logger.Level.INFO, "max_tokens=512, gateway.auth.password: required, see Bearer <token>");
        // Written before it was registered: the file has it, reading it back does not.
        logger.log(System.Logger.Level.INFO, "late-secret-value-19 in a line");
        log.redact("late-secret-value-19");

        String file = everything();
        for (String s : secrets.subList(0, secrets.size() - 1)) {
            assertFalse(file.contains(s), "the file holds " + s);
        }
        assertTrue(file.contains("Bearer [redacted]"), file);
        assertTrue(file.contains("max_tokens=512, gateway.auth.password: required, see Bearer <token>"), file);
        assertTrue(file.contains("\"token\":\"[redacted]\""), file);

        List<String> readByTheLog = new ArrayList<>();
        log.recent(100).forEach(e -> readByTheLog.add(e.json()));
        log.query(GatewayLog.Query.of(null, "a", null, 1000, clock.instant())).forEach(e -> readByTheLog.add(e.json()));
        assertEquals(16, log.recent(100).size());
        List<String> readElsewhere = GatewayLog.read(dir, 100).stream().map(GatewayLog.Entry::json).toList();
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            GatewayLog.Entry e = live.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "entry " + i + " delivered");
            delivered.add(e.json());
        }
        for (String s : secrets) {
            assertTrue(readByTheLog.stream().noneMatch(r -> r.contains(s)), "read back " + s);
            if (!s.equals("late-secret-value-19")) {
                assertTrue(delivered.stream().noneMatch(d -> d.contains(s)), "delivered " + s);
                assertTrue(readElsewhere.stream().noneMatch(r -> r.contains(s)), "read by another process " + s);
            }
        }
        assertTrue(log.query(GatewayLog.Query.of(null, "late-secret", null, 10, clock.instant())).isEmpty(),
                "a registered secret cannot be searched for");
    }

    @Test
    void subscribersGetEntriesOnceWrittenAndASlowOneNeverHoldsUpLogging() throws Exception {
        GatewayLog log = open();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        GatewayLog.Subscription sub = log.subscribe(e -> {
            try {
                assertTrue(Files.readString(dir.resolve("gateway.log")).contains(e.msg()), "written first");
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
            got.add(e.msg());
        });
        assertEquals(1, log.subscriberCount());
        jul.info("hello subscriber");
        assertEquals("hello subscriber", got.poll(10, TimeUnit.SECONDS));
        sub.close();
        assertEquals(0, log.subscriberCount());
        jul.info("after close");

        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger failing = new AtomicInteger();
        log.subscribe(e -> {
            failing.incrementAndGet();
            throw new IllegalStateException("a failing subscriber");
        });
        GatewayLog.Subscription slow = log.subscribe(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        CountDownLatch overflowed = new CountDownLatch(1);
        GatewayLog.Subscription closing = log.subscribe(e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, overflowed::countDown);
        int n = GatewayLog.SUBSCRIBER_QUEUE + 50;
        for (int i = 0; i < n; i++) {
            jul.info("burst " + i);
        }
        assertEquals(n + 2, Files.readAllLines(dir.resolve("gateway.log")).size(), "every record written");
        assertTrue(slow.dropped() > 0, "the slow subscriber's excess was dropped");
        assertTrue(slow.isOpen(), "and it stays subscribed");
        release.countDown();
        assertTrue(overflowed.await(10, TimeUnit.SECONDS), "the overflow callback ran");
        assertFalse(closing.isOpen());
        assertNull(got.poll(), "a closed subscription gets nothing more");
        log.close();
        assertFalse(slow.isOpen(), "closing the log closes its subscriptions");
        assertTrue(failing.get() > 0);
        jul.info("after the log closed");
        assertFalse(Files.readString(dir.resolve("gateway.log")).contains("after the log closed"));
    }

    @Test
    void aWriteFailureNeverThrowsIsReportedOnceAndTheLogRecovers() throws Exception {
        GatewayLog log = open(200, 2);
        List<String> reports = new ArrayList<>();
        log.setErrorManager(new ErrorManager() {
            @Override
            public synchronized void error(String msg, Exception ex, int code) {
                reports.add(msg);
            }
        });
        jul.info("first line, long enough to fill most of the small file quickly");
        // A directory where the rotated file would go: the rename fails.
        Path blocker = dir.resolve("gateway.log.1");
        Files.createDirectories(blocker.resolve("inside"));
        for (int i = 0; i < 10; i++) {
            jul.info("line " + i + " that needs a rotation first, which fails every time");
        }
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("gateway.log"), reports.get(0));
        Files.delete(blocker.resolve("inside"));
        Files.delete(blocker);
        jul.info("recovered");
        assertEquals("recovered", log.recent(1).get(0).msg());
        assertTrue(Files.isRegularFile(dir.resolve("gateway.log.1")));
        assertEquals(1, reports.size());
        assertTrue(Files.readString(dir.resolve("gateway.log"), StandardCharsets.UTF_8).contains("recovered"));
    }
}
