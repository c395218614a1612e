package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.AgentEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.core.Gateway;
import dev.portico.core.SseCapture;
import dev.portico.core.TestClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The gateway's answers, in process (no socket): routing, auth, bodies, errors, SSE framing. */
class GatewayHandlerTest {
    static final String TOKEN = "test-token-0123456789";

    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    final GatewayHandler handler = Gateway.builder().token(TOKEN).clock(clock).build().handler();

    static HttpRequest.Builder post(String target, String json) {
        return HttpRequest.builder().method("POST").target(target).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").body(json);
    }

    static String text(HttpResponse r) {
        return new String(assertInstanceOf(ResponseBody.Bytes.class, r.body()).bytes(), StandardCharsets.UTF_8);
    }

    static JsonObject json(HttpResponse r) {
        return Json.createReader(new StringReader(text(r))).readObject();
    }

    static void assertError(HttpResponse r, int status, String code) {
        assertEquals(status, r.status(), () -> text(r));
        assertEquals("application/json", r.headers().first("Content-Type").orElseThrow());
        JsonObject body = json(r);
        assertFalse(body.getBoolean("ok"));
        assertEquals(code, body.getJsonObject("error").getString("code"));
        assertFalse(body.getJsonObject("error").getString("message").isBlank());
    }

    @Test
    void healthIsPublicAndReportsUptimeFromTheClock() {
        clock.advance(Duration.ofSeconds(42));
        HttpResponse r = handler.handle(HttpRequest.builder().target("/health").build());
        assertEquals(200, r.status());
        JsonObject body = json(r);
        assertEquals("healthy", body.getString("status"));
        assertEquals(42, body.getInt("uptime"));
        assertTrue(body.getBoolean("ok"));
        assertFalse(body.getString("version").isBlank());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        assertError(handler.handle(HttpRequest.builder().target("/nope").build()), 404, "NOT_FOUND");
        HttpResponse r = handler.handle(HttpRequest.builder().target("/api/agent").build());
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertEquals("POST", r.headers().first("Allow").orElseThrow());
    }

    @Test
    void credentialsAreRequiredAndCheckedInBothHeaders() {
        HttpRequest noToken = HttpRequest.builder().method("POST").target("/api/agent")
                .header("Content-Type", "application/json").body("{\"message\":\"hi\"}").build();
        HttpResponse r = handler.handle(noToken);
        assertError(r, 401, "UNAUTHORIZED");
        assertEquals("Bearer", r.headers().first("WWW-Authenticate").orElseThrow());

        HttpRequest wrong = HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer nope")
                .header("Content-Type", "application/json").body("{\"message\":\"hi\"}").build();
        assertError(handler.handle(wrong), 401, "UNAUTHORIZED");

        HttpRequest apiKey = HttpRequest.builder().method("POST").target("/api/agent").header("X-Api-Key", TOKEN)
                .header("Content-Type", "application/json").body("{\"message\":\"hi\"}").build();
        assertEquals(200, handler.handle(apiKey).status());
    }

    @Test
    void agentRepliesWithTheSeedShape() {
        HttpResponse r = handler.handle(post("/api/agent", "{\"message\":\"héllo 🌍 你好\",\"session\":\"s-1\"}").build());
        assertEquals(200, r.status(), () -> text(r));
        JsonObject body = json(r);
        assertEquals("ok", body.getString("status"));
        assertTrue(body.getBoolean("ok"));
        assertEquals("héllo 🌍 你好", body.getString("reply"));
        assertEquals("s-1", body.getString("session"));
        assertFalse(body.getString("run_id").isBlank());
    }

    @Test
    void agentSessionFallsBackToChannelChatThenMain() {
        assertEquals("main", json(handler.handle(post("/api/agent", "{\"message\":\"x\"}").build())).getString("session"));
        assertEquals("telegram:default:123", json(handler.handle(
                post("/api/agent", "{\"message\":\"x\",\"channel\":\"telegram\",\"chat_id\":123}").build())).getString("session"));
    }

    @Test
    void badBodiesAreNamed() {
        HttpResponse malformed = handler.handle(post("/api/agent", "{\"message\":").build());
        assertError(malformed, 400, "INVALID_REQUEST");
        assertTrue(json(malformed).getJsonObject("error").getString("message").startsWith("malformed JSON"));

        HttpResponse missing = handler.handle(post("/api/agent", "{}").build());
        assertEquals("message: required", json(missing).getJsonObject("error").getString("message"));

        HttpResponse wrongType = handler.handle(post("/api/agent", "{\"message\":5}").build());
        assertEquals("message: expected a string, got number", json(wrongType).getJsonObject("error").getString("message"));

        assertError(handler.handle(post("/api/agent", "[1]").build()), 400, "INVALID_REQUEST");
        assertError(handler.handle(post("/api/agent", "{\"message\":\"x\",\"session\":\"../etc\"}").build()), 400,
                "INVALID_REQUEST");

        HttpRequest notUtf8 = post("/api/agent", "").body(new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, '"', '}'}).build();
        HttpResponse badBytes = handler.handle(notUtf8);
        assertEquals("body: not valid UTF-8", json(badBytes).getJsonObject("error").getString("message"));

        HttpRequest plain = HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/plain").body("hi").build();
        assertError(handler.handle(plain), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void declaredOversizedBodyIsRefusedWithoutReadingIt() {
        AtomicInteger read = new AtomicInteger();
        InputStream body = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }
        };
        HttpRequest big = HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").header("Content-Length", "10485760").body(body).build();
        HttpResponse r = handler.handle(big);
        assertError(r, 413, "PAYLOAD_TOO_LARGE");
        assertTrue(r.closeConnection());
        assertEquals(0, read.get());
    }

    @Test
    void undeclaredOversizedBodyIsCutAtTheLimit() {
        GatewayHandler small = Gateway.builder().token(TOKEN).maxBodyBytes(100).build().handler();
        AtomicInteger read = new AtomicInteger();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return ' ';
            }
        };
        HttpRequest chunked = HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer " + TOKEN)
                .body(endless).build();
        assertError(small.handle(chunked), 413, "PAYLOAD_TOO_LARGE");
        assertTrue(read.get() <= 101, "read " + read.get());
    }

    @Test
    void agentStreamsServerSentEvents() throws Exception {
        HttpResponse r = handler.handle(post("/api/agent", "{\"message\":\"héllo 🌍 你好 wörld\"}").header("Accept", "text/event-stream").build());
        assertEquals(200, r.status());
        assertTrue(r.headers().first("Content-Type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("no-cache", r.headers().first("Cache-Control").orElseThrow());
        assertEquals("no", r.headers().first("X-Accel-Buffering").orElseThrow());
        String stream = SseCapture.collect(r);
        List<SseCapture.Event> events = SseCapture.parse(stream);
        assertEquals("status", events.get(0).name());
        assertEquals("result", events.get(events.size() - 1).name());
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertEquals(Integer.toString(i), events.get(i).id());
            if (events.get(i).name().equals("token")) {
                deltas.append(Json.createReader(new StringReader(events.get(i).data())).readObject().getString("delta"));
            }
        }
        assertTrue(events.size() >= 4, stream);
        assertEquals("héllo 🌍 你好 wörld", deltas.toString());
    }

    @Test
    void failingAgentIs502WithoutInternals() {
        GatewayHandler failing = Gateway.builder().token(TOKEN).agent((req, ev) -> {
            throw new IllegalStateException("secret detail /home/me");
        }).build().handler();
        HttpResponse r = failing.handle(post("/api/agent", "{\"message\":\"x\"}").build());
        assertError(r, 502, "AGENT_ERROR");
        assertFalse(text(r).contains("secret"));
    }

    @Test
    void chatStoresHistoryWithTimestamps() {
        HttpResponse chat = handler.handle(post("/api/chat?session=web-1", "{\"message\":\"one\"}").build());
        assertEquals("web-1", json(chat).getString("session"));
        assertEquals("one", json(chat).getString("reply"));
        HttpResponse h = handler.handle(HttpRequest.builder().target("/api/chat/history?session=web-1")
                .header("Authorization", "Bearer " + TOKEN).build());
        JsonObject body = json(h);
        assertEquals(2, body.getJsonArray("messages").size());
        JsonObject first = body.getJsonArray("messages").getJsonObject(0);
        assertEquals("user", first.getString("role"));
        assertEquals("one", first.getString("content"));
        assertEquals("2026-01-01T00:00:00Z", first.getString("timestamp"));
        assertEquals("assistant", body.getJsonArray("messages").getJsonObject(1).getString("role"));
    }

    @Test
    void webSocketUpgradeNeedsACredential() {
        WebSocketDecision d = handler.upgrade(HttpRequest.builder().target("/api/chat/live").header("Upgrade", "websocket").build());
        HttpResponse r = assertInstanceOf(WebSocketDecision.Reject.class, d).response();
        assertError(r, 401, "UNAUTHORIZED");
        assertInstanceOf(WebSocketDecision.Accept.class, handler.upgrade(HttpRequest.builder().target("/api/chat/live")
                .header("Authorization", "Bearer " + TOKEN).build()));
        assertError(handler.handle(HttpRequest.builder().target("/api/chat/live").header("Authorization", "Bearer " + TOKEN)
                .build()), 400, "INVALID_REQUEST");
    }

    @Test
    void splitSurrogatePairsAreJoinedBeforeAnyoneSeesThem() throws Exception {
        String globe = "🌍";
        GatewayHandler splitting = Gateway.builder().token(TOKEN).agent((req, ev) -> {
            ev.emit(new AgentEvent.TextDelta("a" + globe.charAt(0)));
            ev.emit(new AgentEvent.TextDelta(globe.charAt(1) + "b"));
        }).build().handler();
        List<SseCapture.Event> events = SseCapture.parse(SseCapture.collect(splitting.handle(post("/api/agent", "{\"message\":\"x\"}")
                .header("Accept", "text/event-stream").build())));
        List<String> deltas = new ArrayList<>();
        for (SseCapture.Event e : events) {
            if (e.name().equals("token")) {
                deltas.add(Json.createReader(new StringReader(e.data())).readObject().getString("delta"));
            }
        }
        assertEquals(List.of("a", globe + "b"), deltas);
        assertTrue(events.get(events.size() - 1).data().contains("a" + globe + "b"));
    }
}
