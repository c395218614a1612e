package dev.portico.server.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.SseEvent;
import dev.portico.api.transport.TransportOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-sent event streams through the Undertow adapter. */
class UndertowSseIT {
    private RunningTransport running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop(Duration.ZERO);
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void headersAreFlushedAtOnceAndEachFrameArrivesBeforeTheNextIsWritten() throws Exception {
        CountDownLatch headersRead = new CountDownLatch(1);
        CountDownLatch firstRead = new CountDownLatch(1);
        AtomicBoolean producerSawHeadersRead = new AtomicBoolean();
        AtomicBoolean producerSawFirstRead = new AtomicBoolean();
        running = new UndertowTransport().start(TestHandler.http(request -> HttpResponse.sse(Headers.empty(), sink -> {
            producerSawHeadersRead.set(await(headersRead));
            sink.send(SseEvent.of("0", "token", "héllo 😀"));
            producerSawFirstRead.set(await(firstRead));
            sink.send(SseEvent.of("1", "result", "line one\nline two"));
        })), TransportOptions.builder().port(0).build());

        try (RawHttp http = new RawHttp(running.port(), 5000)) {
            http.send("POST /api/agent HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nContent-Length: 2\r\n\r\n{}");
            RawHttp.Head head = http.readHead();
            headersRead.countDown();
            assertEquals(200, head.status());
            assertEquals("text/event-stream; charset=utf-8", head.first("Content-Type"));
            assertEquals("no-cache", head.first("Cache-Control"));
            assertEquals("no", head.first("X-Accel-Buffering"));
            assertEquals("chunked", head.first("Transfer-Encoding"));
            assertNull(head.first("Content-Length"));

            assertEquals("id: 0\nevent: token\ndata: héllo 😀\n\n", new String(http.readChunk(), StandardCharsets.UTF_8));
            firstRead.countDown();
            assertEquals("id: 1\nevent: result\ndata: line one\ndata: line two\n\n",
                    new String(http.readChunk(), StandardCharsets.UTF_8));
            assertNull(http.readChunk(), "the stream ends when the producer returns");
        }
        assertTrue(producerSawHeadersRead.get(), "headers reached the client before the first event was written");
        assertTrue(producerSawFirstRead.get(), "the first event reached the client before the second was written");
    }

    @Test
    void jdkClientReadsTheStreamLineByLine() throws Exception {
        running = new UndertowTransport().start(TestHandler.http(request -> HttpResponse.sse(Headers.empty(), sink -> {
            for (int i = 0; i < 3; i++) {
                sink.send(SseEvent.of(Integer.toString(i), "token", "d" + i));
            }
        })), TransportOptions.builder().port(0).build());
        java.net.http.HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/events")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertEquals(
                "id: 0|event: token|data: d0||id: 1|event: token|data: d1||id: 2|event: token|data: d2|",
                String.join("|", response.body().toList()));
    }

    @Test
    void clientDisconnectReachesTheSinkWithinASecondWhileTheProducerWrites() throws Exception {
        CountDownLatch sinkClosed = new CountDownLatch(1);
        CountDownLatch producerDone = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        running = new UndertowTransport().start(TestHandler.http(request -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.onClose(sinkClosed::countDown);
            try {
                sink.send(SseEvent.data("first"));
                while (sink.isOpen()) {
                    sink.comment("keep-alive " + writes.incrementAndGet());
                    never.await(20, TimeUnit.MILLISECONDS);
                }
            } finally {
                producerDone.countDown();
            }
        })), TransportOptions.builder().port(0).build());

        long closedAt;
        try (RawHttp http = new RawHttp(running.port(), 5000)) {
            http.send("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, http.readHead().status());
            assertEquals("data: first\n\n", new String(http.readChunk(), StandardCharsets.UTF_8));
            closedAt = System.nanoTime();
        }
        assertTrue(sinkClosed.await(1, TimeUnit.SECONDS), "sink.onClose ran within 1 s of the disconnect");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
        assertTrue(producerDone.await(1, TimeUnit.SECONDS), "producer saw the closed sink and returned");
        assertTrue(millis < 1000, "disconnect noticed after " + millis + " ms");
    }

    @Test
    void producerFailureEndsTheStreamCleanly() throws Exception {
        running = new UndertowTransport().start(TestHandler.http(request -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.send(SseEvent.data("before"));
            throw new IllegalStateException("producer broke");
        })), TransportOptions.builder().port(0).build());
        try (RawHttp http = new RawHttp(running.port(), 5000)) {
            http.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, http.readHead().status());
            assertEquals("data: before\n\n", new String(http.readChunk(), StandardCharsets.UTF_8));
            assertNull(http.readChunk(), "the stream is ended after the producer throws");
        }
    }

    @Test
    void stopClosesAnIdleStreamAndTellsTheSink() throws Exception {
        CountDownLatch sinkClosed = new CountDownLatch(1);
        CountDownLatch streaming = new CountDownLatch(1);
        running = new UndertowTransport().start(TestHandler.http(request -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.onClose(sinkClosed::countDown);
            sink.send(SseEvent.data("hello"));
            streaming.countDown();
            // Writes nothing more: only the transport can tell the sink that the connection went.
            sinkClosed.await(10, TimeUnit.SECONDS);
        })), TransportOptions.builder().port(0).build());
        try (RawHttp http = new RawHttp(running.port(), 5000)) {
            http.send("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, http.readHead().status());
            assertEquals("data: hello\n\n", new String(http.readChunk(), StandardCharsets.UTF_8));
            assertTrue(streaming.await(5, TimeUnit.SECONDS));
            running.stop(Duration.ZERO);
            assertTrue(sinkClosed.await(2, TimeUnit.SECONDS), "the sink heard that the connection closed");
            assertTrue(http.closedByServer());
        }
    }
}
