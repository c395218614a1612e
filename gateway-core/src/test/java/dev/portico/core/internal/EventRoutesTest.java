package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.TransportSseSink;
import dev.portico.core.Gateway;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /api/events}: connected first, then the gateway's events with ids; Last-Event-ID replays; a cap. */
class EventRoutesTest {
    final GatewayHandler handler = Gateway.builder().token(TOKEN).maxEventStreams(1).build().handler();

    /** Runs an event stream on its own thread; frames arrive in the returned queue. */
    TransportSseSink open(HttpRequest request, BlockingQueue<String> frames) {
        HttpResponse r = handler.handle(request);
        assertEquals(200, r.status());
        TransportSseSink sink = SseSink.over(new SseOutput() {
            @Override
            public void writeAndFlush(byte[] bytes) {
                frames.add(new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public void close() {}
        });
        Thread.ofVirtual().start(() -> {
            try {
                assertInstanceOf(ResponseBody.Stream.class, r.body()).producer().produce(sink);
            } catch (Exception e) {
                frames.add("failed " + e);
            }
        });
        return sink;
    }

    static HttpRequest events(String lastEventId) {
        HttpRequest.Builder b = HttpRequest.builder().target("/api/events").header("Authorization", "Bearer " + TOKEN);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return b.build();
    }

    String next(BlockingQueue<String> frames) throws InterruptedException {
        String f = frames.poll(5, TimeUnit.SECONDS);
        assertNotNull(f, "no event within 5 s");
        return f;
    }

    @Test
    void connectedThenRunAndSessionEventsWithIdsAndReplay() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        TransportSseSink sink = open(events(null), frames);
        assertTrue(next(frames).startsWith("id: 0\nevent: connected\n"));
        assertEquals(200, handler.handle(post("/api/agent", "{\"message\":\"hi\",\"session\":\"ev\"}").build()).status());
        String started = "";
        while (!started.contains("event: agent.run.started")) {
            started = next(frames);
        }
        assertTrue(started.contains("\"run_id\""), started);
        String completed = "";
        while (!completed.contains("event: agent.run.completed")) {
            completed = next(frames);
        }
        String id = completed.substring(4, completed.indexOf('\n'));
        sink.transportClosed();

        // Reconnect with Last-Event-ID: nothing newer yet, then the next turn's events arrive.
        BlockingQueue<String> again = new LinkedBlockingQueue<>();
        TransportSseSink second = waitForSlot(() -> open(events(id), again));
        assertTrue(next(again).contains("event: connected"));
        assertEquals(200, handler.handle(post("/api/agent", "{\"message\":\"again\",\"session\":\"ev\"}").build()).status());
        String frame = next(again);
        assertTrue(Long.parseLong(frame.substring(4, frame.indexOf('\n'))) > Long.parseLong(id), frame);
        second.transportClosed();
    }

    @Test
    void beyondTheCapIs503() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        TransportSseSink sink = open(events(null), frames);
        next(frames);
        assertError(handler.handle(events(null)), 503, "UNAVAILABLE");
        sink.transportClosed();
        assertError(handler.handle(HttpRequest.builder().target("/api/events").header("Authorization", "Bearer " + TOKEN)
                .header("Last-Event-ID", "abc").build()), 400, "INVALID_REQUEST");
    }

    /** The slot of a closed stream is released when its producer notices; retry briefly. */
    static TransportSseSink waitForSlot(java.util.function.Supplier<TransportSseSink> opener) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return opener.get();
            } catch (AssertionError busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.onSpinWait();
            }
        }
    }
}
