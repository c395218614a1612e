package dev.portico.server.helidon;

import static dev.portico.server.helidon.Servers.HTTP;
import static dev.portico.server.helidon.Servers.handler;
import static dev.portico.server.helidon.Servers.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.SseEvent;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-sent events: headers at once, each event flushed as written, disconnects noticed. */
class HelidonSseIT {
    private RunningTransport running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void headersArriveBeforeAnyEventAndEventsArriveOneByOne() throws Exception {
        CountDownLatch headersSeen = new CountDownLatch(1);
        CountDownLatch firstSeen = new CountDownLatch(1);
        running = Servers.start(handler(r -> HttpResponse.sse(Headers.builder().set("X-Run", "r1").build(), sink -> {
            // Nothing is written until the client has the headers: they must not wait for a body byte.
            assertTrue(headersSeen.await(5, TimeUnit.SECONDS), "client saw the headers");
            sink.send(SseEvent.of("0", "status", "{\"status\":\"started\"}"));
            // The second event waits for the client to have read the first one.
            assertTrue(firstSeen.await(5, TimeUnit.SECONDS), "client saw the first event");
            sink.send(SseEvent.of("1", "token", "line one\nline two 👋"));
        })));

        var response = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/api/agent"))
                .header("Accept", "text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}"))
                .build(), BodyHandlers.ofInputStream());
        headersSeen.countDown();
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElseThrow());
        assertEquals("r1", response.headers().firstValue("X-Run").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Length").isEmpty());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("id: 0", in.readLine());
            assertEquals("event: status", in.readLine());
            assertEquals("data: {\"status\":\"started\"}", in.readLine());
            assertEquals("", in.readLine());
            firstSeen.countDown();
            assertEquals("id: 1", in.readLine());
            assertEquals("event: token", in.readLine());
            assertEquals("data: line one", in.readLine());
            assertEquals("data: line two 👋", in.readLine());
            assertEquals("", in.readLine());
            assertNull(in.readLine(), "the stream ends when the producer returns");
        }
    }

    @Test
    void theStreamIsChunkedAndEndsWithTheLastChunk() throws Exception {
        running = Servers.start(handler(r -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.send(SseEvent.data("a"));
            sink.comment("keep-alive");
        })));
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("chunked", response.header("Transfer-Encoding"));
            assertEquals("data: a\n\n: keep-alive\n\n", response.text());
            assertEquals(-1, raw.readToEnd(), "the connection closes after the stream");
        }
    }

    @Test
    void aClientThatLeavesClosesTheSinkWithinASecondWhileTheProducerWrites() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        running = Servers.start(handler(r -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.onClose(closed::countDown);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sink.isOpen() && System.nanoTime() < deadline) {
                sink.send(SseEvent.data("tick " + sent.incrementAndGet()));
                closed.await(20, TimeUnit.MILLISECONDS);
            }
        })));
        assertClosesWithinASecond(closed);
    }

    @Test
    void aClientThatLeavesClosesTheSinkWithinASecondWhileTheProducerIsQuiet() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        running = Servers.start(handler(r -> {
            readBody(r);
            return HttpResponse.sse(Headers.empty(), sink -> {
                sink.onClose(closed::countDown);
                sink.send(SseEvent.data("only event"));
                closed.await(10, TimeUnit.SECONDS);
            });
        }));
        assertClosesWithinASecond(closed);
    }

    @Test
    void aGetStreamNoticesTheClientLeavingWhileTheProducerIsQuiet() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        running = Servers.start(handler(r -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.onClose(closed::countDown);
            sink.send(SseEvent.data("only event"));
            closed.await(10, TimeUnit.SECONDS);
        })));
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("data: only event\n\n", new String(raw.chunk(), StandardCharsets.UTF_8));
        }
        assertTrue(closed.await(1, TimeUnit.SECONDS), "the sink noticed the client leaving within 1 s");
    }

    private static void readBody(dev.portico.api.transport.HttpRequest r) {
        try {
            r.body().readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertClosesWithinASecond(CountDownLatch closed) throws Exception {
        var response = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/api/agent"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}"))
                .build(), BodyHandlers.ofInputStream());
        long left;
        try (InputStream body = response.body()) {
            byte[] first = new byte[5];
            assertEquals(5, body.readNBytes(first, 0, 5));
            assertEquals("data:", new String(first, StandardCharsets.US_ASCII));
            left = System.nanoTime();
        }
        assertTrue(closed.await(1, TimeUnit.SECONDS), "the sink noticed the client leaving within 1 s");
        Duration took = Duration.ofNanos(System.nanoTime() - left);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "noticed after " + took);
    }
}
