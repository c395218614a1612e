package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayLog;
import dev.portico.core.TestClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/logs}, {@code GET /api/logs/recent} and {@code WS /api/logs/live} over a real log file. */
class LogRoutesTest {
    @TempDir
    Path dir;

    final TestClock clock = new TestClock(Instant.parse("2026-05-10T00:00:00.123Z"));
    final Logger jul = Logger.getLogger("dev.portico.test.routes");
    GatewayLog log;
    GatewayHandler handler;

    @BeforeEach
    void start() {
        log = GatewayLog.builder().directory(dir).clock(clock).build();
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        jul.addHandler(log);
        handler = Gateway.builder().token(TOKEN).clock(clock).log(log).maxEventStreams(1).build().handler();
    }

    @AfterEach
    void stop() {
        jul.removeHandler(log);
        log.close();
    }

    static HttpRequest get(String target) {
        return HttpRequest.builder().target(target).header("Authorization", "Bearer " + TOKEN).build();
    }

    static List<JsonObject> logs(HttpResponse r) {
        assertEquals(200, r.status(), () -> text(r));
        assertEquals("application/json", r.headers().first("Content-Type").orElseThrow());
        JsonObject body = json(r);
        assertTrue(body.getBoolean("ok"));
        return body.getJsonArray("logs").getValuesAs(JsonObject.class);
    }

    static List<String> msgs(HttpResponse r) {
        return logs(r).stream().map(o -> o.getString("msg")).toList();
    }

    @Test
    void recentAnswersTheNewestEntriesAsStoredOldestFirst() throws Exception {
        for (int i = 0; i < 12; i++) {
            jul.info("entry " + i);
        }
        jul.log(Level.WARNING, "with fields", new Object[] {GatewayLog.fields("run_id", "r-1", "duration_ms", 7)});
        List<String> file = Files.readAllLines(dir.resolve("gateway.log"));

        HttpResponse r = handler.handle(get("/api/logs/recent"));
        List<JsonObject> entries = logs(r);
        assertEquals(10, entries.size(), "10 by default");
        assertEquals(file.subList(3, 13).stream().map(LogRoutesTest::parse).toList(), entries);
        assertTrue(text(r).contains(file.get(12)), "each entry exactly as the file holds it");
        JsonObject last = entries.get(9);
        assertEquals("2026-05-10T00:00:00.123Z", last.getString("time"));
        assertEquals("WARN", last.getString("level"));
        assertEquals("r-1", last.getString("run_id"));
        assertEquals(7, last.getInt("duration_ms"));

        assertEquals(List.of("entry 10", "entry 11", "with fields"), msgs(handler.handle(get("/api/logs/recent?limit=3"))));
        assertEquals(13, logs(handler.handle(get("/api/logs/recent?limit=200"))).size());
        HttpResponse tooMany = handler.handle(get("/api/logs/recent?limit=201"));
        assertError(tooMany, 400, "INVALID_REQUEST");
        assertEquals("limit: 201 (expected: 1..200)", json(tooMany).getJsonObject("error").getString("message"));
        assertError(handler.handle(get("/api/logs/recent?limit=ten")), 400, "INVALID_REQUEST");
        assertError(handler.handle(HttpRequest.builder().target("/api/logs/recent").build()), 401, "UNAUTHORIZED");
    }

    static JsonObject parse(String line) {
        return Json.createReader(new StringReader(line)).readObject();
    }

    @Test
    void logsFiltersByLevelTextAndTimeAndNamesABadParameter() {
        jul.info("gateway started");
        jul.warning("slow upstream");
        clock.advance(Duration.ofMinutes(30));
        jul.severe("Run Failed: timeout");
        jul.fine("detail");
        jul.info("still going");

        assertEquals(List.of("gateway started", "slow upstream", "Run Failed: timeout", "detail", "still going"),
                msgs(handler.handle(get("/api/logs"))));
        assertEquals(List.of("slow upstream", "Run Failed: timeout"), msgs(handler.handle(get("/api/logs?level=WARN"))));
        assertEquals(List.of("Run Failed: timeout"), msgs(handler.handle(get("/api/logs?level=error"))));
        assertEquals(List.of("Run Failed: timeout"), msgs(handler.handle(get("/api/logs?q=run%20failed"))));
        assertEquals(List.of("Run Failed: timeout", "detail", "still going"),
                msgs(handler.handle(get("/api/logs?since=15m"))));
        assertEquals(List.of("slow upstream", "Run Failed: timeout", "detail", "still going"),
                msgs(handler.handle(get("/api/logs?since=2026-05-10T00:00:00.123Z&q=&limit=4"))));
        assertEquals(List.of("still going"), msgs(handler.handle(get("/api/logs?limit=1"))));

        assertBad("/api/logs?level=loud", "level: loud (expected: trace, debug, info, warn or error)");
        assertBad("/api/logs?since=yesterday", "since: yesterday (expected: an ISO-8601 time such as "
                + "2026-05-10T00:00:00Z, or a time back from now such as 30s, 15m, 2h or 1d)");
        assertBad("/api/logs?limit=1001", "limit: 1001 (expected: 1..1000)");
        assertBad("/api/logs?limit=0", "limit: 0 (expected: 1..1000)");
    }

    void assertBad(String target, String message) {
        HttpResponse r = handler.handle(get(target));
        assertError(r, 400, "INVALID_REQUEST");
        assertEquals(message, json(r).getJsonObject("error").getString("message"));
    }

    @Test
    void aGatewayWithoutALogAnswersUnavailable() {
        GatewayHandler without = Gateway.builder().token(TOKEN).build().handler();
        for (String path : List.of("/api/logs", "/api/logs/recent")) {
            HttpResponse r = without.handle(get(path));
            assertError(r, 503, "UNAVAILABLE");
            assertEquals("no log: this gateway keeps no log file", json(r).getJsonObject("error").getString("message"));
        }
        WebSocketDecision d = without.upgrade(upgrade());
        HttpResponse refusal = assertInstanceOf(WebSocketDecision.Reject.class, d).response();
        assertError(refusal, 503, "UNAVAILABLE");
    }

    static HttpRequest upgrade() {
        return HttpRequest.builder().target("/api/logs/live").header("Authorization", "Bearer " + TOKEN)
                .header("Upgrade", "websocket").build();
    }

    /** A socket that keeps what is sent, and may be told to refuse or to hold sends. */
    static final class Socket implements WebSocketSession {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        volatile Predicate<String> accept = t -> true;
        volatile CountDownLatch hold;

        @Override
        public boolean sendText(String text) {
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!accept.test(text)) {
                return false;
            }
            sent.add(text);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed.add(code + " " + reason);
        }

        @Override
        public boolean isOpen() {
            return closed.isEmpty();
        }

        @Override
        public HttpRequest request() {
            return upgrade();
        }
    }

    @Test
    void liveSendsEachNewEntryAndUnsubscribesOnClose() throws Exception {
        jul.info("before the socket");
        WebSocketListener listener = assertInstanceOf(WebSocketDecision.Accept.class, handler.upgrade(upgrade()))
                .listener();
        Socket socket = new Socket();
        listener.onOpen(socket);
        assertEquals(1, log.subscriberCount());
        assertError(handler.upgrade(upgrade()) instanceof WebSocketDecision.Reject r ? r.response() : null, 503,
                "UNAVAILABLE");

        jul.log(Level.INFO, "hello live", new Object[] {GatewayLog.fields("token", "never-shown-123", "n", 1)});
        String frame = socket.sent.poll(10, TimeUnit.SECONDS);
        assertNotNull(frame, "a frame within 10 s");
        JsonObject f = parse(frame);
        assertTrue(f.getBoolean("ok"));
        assertEquals("log_entry", f.getString("type"));
        JsonObject entry = f.getJsonObject("entry");
        assertEquals("hello live", entry.getString("msg"));
        assertEquals("INFO", entry.getString("level"));
        assertEquals("[redacted]", entry.getString("token"));
        assertEquals(List.of("time", "level", "logger", "msg", "token", "n"), List.copyOf(entry.keySet()));
        assertEquals(Files.readAllLines(dir.resolve("gateway.log")).get(1),
                frame.substring(frame.indexOf("\"entry\":") + 8, frame.length() - 1), "the entry as stored");

        listener.onClose(socket, WebSocketCloseCodes.NORMAL, "");
        assertEquals(0, log.subscriberCount());
        jul.info("after close");
        // The slot is free again.
        assertInstanceOf(WebSocketDecision.Accept.class, handler.upgrade(upgrade()));
    }

    @Test
    void aReaderThatFallsBehindIsClosedWith1008AndARefusedSendUnsubscribes() throws Exception {
        WebSocketListener listener = assertInstanceOf(WebSocketDecision.Accept.class, handler.upgrade(upgrade()))
                .listener();
        Socket slow = new Socket();
        slow.hold = new CountDownLatch(1);
        listener.onOpen(slow);
        for (int i = 0; i < GatewayLog.SUBSCRIBER_QUEUE + 20; i++) {
            jul.info("burst " + i);
        }
        slow.hold.countDown();
        String closed = slow.closed.poll(10, TimeUnit.SECONDS);
        assertEquals(WebSocketCloseCodes.POLICY_VIOLATION + " too slow: log entries were dropped", closed);
        listener.onClose(slow, WebSocketCloseCodes.POLICY_VIOLATION, "");

        WebSocketListener second = assertInstanceOf(WebSocketDecision.Accept.class, handler.upgrade(upgrade()))
                .listener();
        Socket refusing = new Socket();
        refusing.accept = t -> false;
        second.onOpen(refusing);
        jul.info("refused");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.subscriberCount() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, log.subscriberCount(), "a send the transport refused ends the subscription");
        second.onClose(refusing, WebSocketCloseCodes.ABNORMAL, "");
    }
}
