package dev.portico.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.SseEvent;
import dev.portico.api.transport.TransportCapability;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-sent events through the transport: the stream's headers, its framing as a browser's
 * {@code EventSource} parses it, events that reach the client as they are sent (not when the
 * stream ends), and a client disconnect that reaches the producer's sink.
 *
 * <p>Skipped (not passed) when the transport does not declare {@link TransportCapability#SSE}.
 */
public abstract class SseConformance extends TransportConformanceBase {

    /** For subclasses. */
    protected SseConformance() {}

    /** Skips the class for transports without SSE. */
    @BeforeEach
    public final void requireSse() {
        assumeTrue(transport().capabilities().contains(TransportCapability.SSE),
                () -> transport().name() + " does not declare TransportCapability.SSE");
    }

    /**
     * The stream is a 200 with {@code text/event-stream}, {@code no-cache} and no proxy buffering.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void agentStreamHasEventStreamHeaders() throws Exception {
        TckServer server = startGateway();
        try (AgentStream stream = openAgentStream(server, json("message", "headers"))) {
            assertEquals(200, stream.status(), "status of the SSE response");
            String contentType = stream.header("Content-Type");
            assertTrue(contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream"),
                    () -> "Content-Type: " + contentType);
            assertTrue(stream.header("Cache-Control").toLowerCase(Locale.ROOT).contains("no-cache"),
                    () -> "Cache-Control: " + stream.header("Cache-Control"));
            assertEquals("no", stream.header("X-Accel-Buffering").toLowerCase(Locale.ROOT), "X-Accel-Buffering");
            drainToEnd(stream.events());
        }
    }

    /**
     * A run streams as {@code status}, then {@code token} events whose deltas concatenate to the
     * reply, then {@code result}; every event has a strictly increasing numeric id; then the
     * stream ends.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void agentStreamIsFramedEventByEvent() throws Exception {
        TckServer server = startGateway();
        try (AgentStream stream = openAgentStream(server, json("message", MULTIBYTE, "session", "tck-sse"))) {
            assertEquals(200, stream.status(), "status of the SSE response");
            List<SseStream.Event> events = drainToEnd(stream.events());

            long lastId = -1;
            for (SseStream.Event e : events) {
                assertTrue(e.id().isPresent(), () -> "event without an id: " + e);
                long id;
                try {
                    id = Long.parseLong(e.id().get());
                } catch (NumberFormatException nfe) {
                    fail("event id is not a number: " + e);
                    return;
                }
                long previous = lastId;
                assertTrue(id > previous, () -> "ids must strictly increase; " + id + " after " + previous);
                lastId = id;
            }

            SseStream.Event first = events.get(0);
            assertEquals("status", first.event().orElse(""), () -> "first event: " + first);
            JsonObject status = Reply.parseObject(first.data(), "status event data");
            assertEquals("started", status.getString("status"), () -> "status event: " + first);
            assertEquals("tck-sse", status.getString("session"), () -> "status event: " + first);
            String runId = status.getString("run_id");
            assertFalse(runId.isBlank(), "run_id of the status event");

            SseStream.Event last = events.get(events.size() - 1);
            assertEquals("result", last.event().orElse(""), () -> "last event: " + last);
            JsonObject result = Reply.parseObject(last.data(), "result event data");
            assertEquals(MULTIBYTE, result.getString("reply"), () -> "result event: " + last);
            assertEquals(runId, result.getString("run_id"), () -> "result event: " + last);
            assertEquals("tck-sse", result.getString("session"), () -> "result event: " + last);

            StringBuilder deltas = new StringBuilder();
            int tokens = 0;
            for (SseStream.Event e : events.subList(1, events.size() - 1)) {
                String name = e.event().orElse("message");
                assertFalse(name.equals("error") || name.equals("result"), () -> "unexpected event mid-stream: " + e);
                if (name.equals("token")) {
                    JsonObject token = Reply.parseObject(e.data(), "token event data");
                    assertEquals(runId, token.getString("run_id"), () -> "token event: " + e);
                    deltas.append(token.getString("delta"));
                    tokens++;
                }
            }
            assertTrue(tokens > 0, () -> "no token events in " + events);
            assertEquals(MULTIBYTE, deltas.toString(), "the token deltas concatenated");
        }
    }

    /**
     * A stream refused for a missing credential is a plain JSON 401, not an event stream.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void unauthenticatedStreamIsJson401() throws Exception {
        TckServer server = startGateway();
        Reply reply = postJson(server, "/api/agent", json("message", "no token"), "Accept", "text/event-stream");
        assertEnvelope(reply, 401, "UNAUTHORIZED");
    }

    /**
     * Status and headers reach the client before the producer sends its first event.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void headersArriveBeforeTheFirstEvent() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        KitHandler kit = kit().route("/tck/quiet", request -> HttpResponse.sse(Headers.empty(), sink -> {
            if (release.await(10, TimeUnit.SECONDS)) {
                sink.send(SseEvent.of("0", "late", "finally"));
            }
        }));
        TckServer server = start(kit);
        CompletableFuture<java.net.http.HttpResponse<InputStream>> pending = client().sendAsync(
                request(server.http("/tck/quiet"), "Accept", "text/event-stream").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        java.net.http.HttpResponse<InputStream> response;
        try {
            response = pending.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("no response headers within 2 s while the producer had not sent an event yet:"
                    + " the transport must flush status and headers before calling the producer");
            return;
        } finally {
            release.countDown();
        }
        assertEquals(200, response.statusCode());
        try (SseStream events = SseStream.over(response.body())) {
            SseStream.Event late = events.next(WAIT);
            assertEquals("finally", late.data());
            events.assertEnds(WAIT);
        }
    }

    /**
     * Each event reaches the client when it is sent: the producer sends one event and waits until
     * the client has read it before sending the next (a transport that buffers the stream fails).
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void eventsArriveAsTheyAreSent() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        KitHandler kit = kit().route("/tck/gated", request -> HttpResponse.sse(Headers.empty(), sink -> {
            sink.send(SseEvent.of("1", "step", "first ✓"));
            if (firstRead.await(10, TimeUnit.SECONDS)) {
                sink.send(SseEvent.of("2", "step", "second 🚀"));
            }
        }));
        TckServer server = start(kit);
        java.net.http.HttpResponse<InputStream> response = client().send(
                request(server.http("/tck/gated"), "Accept", "text/event-stream").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (SseStream events = SseStream.over(response.body())) {
            SseStream.Event first;
            try {
                first = events.next(Duration.ofSeconds(2));
            } finally {
                firstRead.countDown();
            }
            assertEquals("first ✓", first.data(), () -> "first event: " + first);
            assertEquals("1", first.id().orElse(""), () -> "first event: " + first);
            SseStream.Event second = events.next(WAIT);
            assertEquals("second 🚀", second.data(), () -> "second event: " + second);
            assertEquals("step", second.event().orElse(""), () -> "second event: " + second);
            events.assertEnds(WAIT);
        }
    }

    /**
     * When the client disconnects, the sink closes (its {@code onClose} callbacks run) within a
     * second while the producer keeps sending.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void clientDisconnectClosesTheSink() throws Exception {
        CountDownLatch sinkClosed = new CountDownLatch(1);
        KitHandler kit = kit().route("/tck/ticks", request -> HttpResponse.sse(Headers.empty(), sink -> {
            CountDownLatch closed = new CountDownLatch(1);
            sink.onClose(closed::countDown);
            sink.onClose(sinkClosed::countDown);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; System.nanoTime() < end; i++) {
                if (!sink.send(SseEvent.of(Integer.toString(i), "tick", Integer.toString(i)))) {
                    return;
                }
                if (closed.await(20, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }));
        TckServer server = start(kit);
        RawConnection c = raw(server);
        c.writeHead("GET /tck/ticks HTTP/1.1\r\n"
                + "Host: " + server.authority() + "\r\n"
                + "Accept: text/event-stream\r\n"
                + "\r\n");
        c.deadline(WAIT);
        RawConnection.Head head = c.readHead();
        assertEquals(200, head.status(), () -> "status line: " + head.statusLine());
        SseStream events = SseStream.over(c.body(head));
        events.next(WAIT);
        events.next(WAIT);
        c.close();
        assertTrue(sinkClosed.await(1, TimeUnit.SECONDS),
                "the sink's onClose callbacks did not run within 1 s after the client disconnected");
    }

    /**
     * When the producer returns, or throws, the transport closes the sink: its {@code onClose}
     * callbacks run and the client sees the stream end after the events already sent.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void producerEndClosesTheSinkAndEndsTheStream() throws Exception {
        CountDownLatch returnedClosed = new CountDownLatch(1);
        CountDownLatch threwClosed = new CountDownLatch(1);
        KitHandler kit = kit()
                .route("/tck/returns", request -> HttpResponse.sse(Headers.empty(), sink -> {
                    sink.onClose(returnedClosed::countDown);
                    sink.send(SseEvent.of("0", "only", "returns"));
                }))
                .route("/tck/throws", request -> HttpResponse.sse(Headers.empty(), sink -> {
                    sink.onClose(threwClosed::countDown);
                    sink.send(SseEvent.of("0", "only", "throws"));
                    throw new IllegalStateException("tck: producer failed on purpose");
                }));
        TckServer server = start(kit);
        for (String path : List.of("/tck/returns", "/tck/throws")) {
            java.net.http.HttpResponse<InputStream> response = client().send(
                    request(server.http(path), "Accept", "text/event-stream").GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), () -> "status of " + path);
            try (SseStream events = SseStream.over(response.body())) {
                SseStream.Event only = events.next(WAIT);
                assertEquals(path.substring("/tck/".length()), only.data(), () -> path + ": " + only);
                events.assertEnds(WAIT);
            }
        }
        assertTrue(returnedClosed.await(1, TimeUnit.SECONDS),
                "the sink's onClose callbacks did not run after the producer returned");
        assertTrue(threwClosed.await(1, TimeUnit.SECONDS),
                "the sink's onClose callbacks did not run after the producer threw");
    }

    // ---- helpers

    /** An open event stream and the response that carries it. */
    private record AgentStream(java.net.http.HttpResponse<InputStream> response, SseStream events) implements AutoCloseable {
        int status() {
            return response.statusCode();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse("");
        }

        @Override
        public void close() {
            events.close();
        }
    }

    private AgentStream openAgentStream(TckServer server, String json) throws Exception {
        HttpRequest request = request(server.http("/api/agent"), bearer())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        java.net.http.HttpResponse<InputStream> response = client().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        return new AgentStream(response, SseStream.over(response.body()));
    }

    /** Reads events until {@code result} or {@code error}, then asserts the stream ends. */
    private static List<SseStream.Event> drainToEnd(SseStream stream) {
        List<SseStream.Event> events = new ArrayList<>();
        while (true) {
            SseStream.Event e = stream.next(WAIT);
            events.add(e);
            String name = e.event().orElse("");
            if (name.equals("result") || name.equals("error")) {
                break;
            }
            assertTrue(events.size() < 10_000, "more than 10000 events without a result");
        }
        stream.assertEnds(WAIT);
        return events;
    }
}
