package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.AgentEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.ResponseBody;
import dev.portico.core.Gateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs by id: wait, abort, the concurrency cap. */
class RunsRouteTest {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final GatewayHandler handler = Gateway.builder().token(TOKEN).maxConcurrentRuns(1)
            .runQueueTimeout(Duration.ofMillis(200))
            .agent((req, ev) -> {
                if (req.message().equals("block")) {
                    entered.countDown();
                    release.await();
                }
                ev.emit(new AgentEvent.Completed("re: " + req.message()));
            })
            .build().handler();

    /** Starts a blocking SSE turn and returns its run id once the agent has started. */
    String startBlockingRun() throws Exception {
        HttpResponse r = handler.handle(post("/api/agent", "{\"message\":\"block\",\"session\":\"w\"}")
                .header("Accept", "text/event-stream").build());
        CompletableFuture<String> firstEvent = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                SseSink sink = SseSink.over(new SseOutput() {
                    @Override
                    public void writeAndFlush(byte[] bytes) {
                        firstEvent.complete(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                    }

                    @Override
                    public void close() {}
                });
                ((ResponseBody.Stream) r.body()).producer().produce(sink);
            } catch (Exception e) {
                firstEvent.completeExceptionally(e);
            }
        });
        String status = firstEvent.get(5, TimeUnit.SECONDS);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        String data = status.substring(status.indexOf("data: ") + 6).trim();
        return Json.createReader(new StringReader(data)).readObject().getString("run_id");
    }

    @Test
    void waitReturnsNotDoneThenTheOutcome() throws Exception {
        String id = startBlockingRun();
        JsonObject pending = json(handler.handle(post("/api/agent/wait", "{\"run_id\":\"" + id + "\",\"timeout_secs\":0}").build()));
        assertFalse(pending.getBoolean("done"));
        assertEquals(id, pending.getString("run_id"));
        release.countDown();
        JsonObject done = json(handler.handle(post("/api/agent/wait", "{\"run_id\":\"" + id + "\",\"timeout_secs\":10}").build()));
        assertTrue(done.getBoolean("done"));
        assertEquals("completed", done.getString("status"));
        assertEquals("re: block", done.getString("reply"));
        assertEquals("w", done.getString("session"));
    }

    @Test
    void abortStopsARunAndIsFalseOnceItEnded() throws Exception {
        String id = startBlockingRun();
        JsonObject aborted = json(handler.handle(post("/api/agent/abort", "{\"run_id\":\"" + id + "\"}").build()));
        assertTrue(aborted.getBoolean("aborted"));
        JsonObject done = json(handler.handle(post("/api/agent/wait", "{\"run_id\":\"" + id + "\",\"timeout_secs\":10}").build()));
        assertEquals("failed", done.getString("status"));
        assertEquals("run aborted", done.getJsonObject("error").getString("message"));
        assertFalse(json(handler.handle(post("/api/agent/abort", "{\"run_id\":\"" + id + "\"}").build())).getBoolean("aborted"));
    }

    @Test
    void aTurnThatFindsNoPlaceUnderTheCapIs503() throws Exception {
        startBlockingRun();
        try {
            assertError(handler.handle(post("/api/agent", "{\"message\":\"x\",\"session\":\"other\"}").build()), 503, "UNAVAILABLE");
        } finally {
            release.countDown();
        }
    }

    @Test
    void badRunRequestsAreClear() {
        assertError(handler.handle(post("/api/agent/wait", "{\"run_id\":\"nope\"}").build()), 404, "RUN_NOT_FOUND");
        assertError(handler.handle(post("/api/agent/abort", "{\"run_id\":\"nope\"}").build()), 404, "RUN_NOT_FOUND");
        assertError(handler.handle(post("/api/agent/wait", "{}").build()), 400, "INVALID_REQUEST");
        assertError(handler.handle(post("/api/agent/wait", "{\"run_id\":\"x\",\"timeout_secs\":\"soon\"}").build()), 400, "INVALID_REQUEST");
        assertError(handler.handle(post("/api/agent/wait", "{\"run_id\":\"x\",\"timeout_secs\":601}").build()), 400, "INVALID_REQUEST");
        assertError(handler.handle(post("/api/agent/abort", "{\"run_id\":7}").build()), 400, "INVALID_REQUEST");
    }

    @Test
    void waitWithAMessageRunsATurn() {
        JsonObject r = json(handler.handle(post("/api/agent/wait", "{\"message\":\"hi\"}").build()));
        assertTrue(r.getBoolean("done"));
        assertEquals("re: hi", r.getString("reply"));
        assertEquals("main", r.getString("session"));
    }
}
