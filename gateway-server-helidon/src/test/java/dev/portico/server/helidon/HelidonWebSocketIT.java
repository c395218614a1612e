package dev.portico.server.helidon;

import static dev.portico.server.helidon.Servers.handler;
import static dev.portico.server.helidon.Servers.json;
import static dev.portico.server.helidon.Servers.wsUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketSession;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSockets: the core decides before the handshake, whole text messages both ways, close codes. */
class HelidonWebSocketIT {
    private static final byte[] UNAUTHORIZED =
            "{\"ok\":false,\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"missing token\"}}"
                    .getBytes(StandardCharsets.UTF_8);

    private RunningTransport running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static HttpResponse unauthorized() {
        return HttpResponse.of(401, Headers.builder()
                .set("Content-Type", "application/json")
                .set("WWW-Authenticate", "Bearer")
                .build(), UNAUTHORIZED);
    }

    /** Accepts upgrades that carry a token, with a fresh listener each; rejects others with 401. */
    private RunningTransport startWithAuth(RecordingListener listener, CompletableFuture<HttpRequest> seen) {
        return Servers.start(handler(r -> json(200, "{\"plain\":true}"), r -> {
            seen.complete(r);
            return r.headers().contains("Authorization")
                    ? WebSocketDecision.accept(listener)
                    : WebSocketDecision.reject(unauthorized());
        }));
    }

    @Test
    void aRejectedUpgradeGetsTheCoreResponseOnAnyPathAndTheConnectionStaysUsable() throws Exception {
        CompletableFuture<HttpRequest> seen = new CompletableFuture<>();
        running = startWithAuth(new RecordingListener(true), seen);
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /any/where?x=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(401, response.status());
            assertEquals("application/json", response.header("Content-Type"));
            assertEquals("Bearer", response.header("WWW-Authenticate"));
            assertEquals(new String(UNAUTHORIZED, StandardCharsets.UTF_8), response.text());

            raw.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("{\"plain\":true}", raw.read().text());
        }
        HttpRequest upgrade = seen.get(5, TimeUnit.SECONDS);
        assertEquals("GET", upgrade.method());
        assertEquals("/any/where", upgrade.path());
        assertEquals("x=1", upgrade.rawQuery());
        assertEquals("dGhlIHNhbXBsZSBub25jZQ==", upgrade.headers().first("sec-websocket-key").orElseThrow());
    }

    @Test
    void theJdkClientSeesTheRejection() {
        running = startWithAuth(new RecordingListener(true), new CompletableFuture<>());
        ExecutionException e = assertThrows(ExecutionException.class, () -> Servers.HTTP.newWebSocketBuilder()
                .buildAsync(wsUri(running, "/api/chat/live"), new WsClient()).get(5, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
    }

    @Test
    void anAcceptedSocketCarriesTextBothWaysAndReportsThePeerClose() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        CompletableFuture<HttpRequest> seen = new CompletableFuture<>();
        running = startWithAuth(listener, seen);
        WsClient client = new WsClient();
        client.socket = Servers.HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer t")
                .buildAsync(wsUri(running, "/api/chat/live?session=s"), client)
                .get(5, TimeUnit.SECONDS);

        WebSocketSession session = listener.awaitOpen();
        assertEquals("/api/chat/live", session.request().path());
        assertTrue(session.remoteAddress().getAddress().isLoopbackAddress());
        String text = "{\"session\":\"s\",\"message\":\"héllo 👋 世界 🇯🇵\"}";
        client.socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        assertEquals(text, client.nextText());
        assertEquals(text, listener.received.poll(5, TimeUnit.SECONDS));

        String big = "世".repeat(100_000);
        client.socket.sendText(big, true).get(5, TimeUnit.SECONDS);
        assertEquals(big, client.nextText());

        client.socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertEquals("1000 bye", listener.awaitClosed());
        assertEquals(1000, client.awaitClose());
        assertFalse(session.isOpen());
    }

    @Test
    void aTextMessageSplitInsideACharacterIsAssembledWhole() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)));
        byte[] bytes = "👋世界".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket ws = RawWebSocket.open(running.port(), "/ws")) {
            ws.send(0x1, false, Arrays.copyOfRange(bytes, 0, 2));
            ws.send(0x9, true, "ping in between".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = ws.read();
            assertEquals(0xA, pong.opcode());
            assertEquals("ping in between", pong.text());
            ws.send(0x0, false, Arrays.copyOfRange(bytes, 2, 5));
            ws.send(0x0, true, Arrays.copyOfRange(bytes, 5, bytes.length));
            RawWebSocket.Frame echo = ws.read();
            assertEquals(0x1, echo.opcode());
            assertTrue(echo.fin());
            assertEquals("👋世界", echo.text());
            ws.sendClose(1000);
            RawWebSocket.Frame close = ws.read();
            assertEquals(0x8, close.opcode());
            assertEquals(1000, close.closeCode());
        }
        assertEquals("1000 ", listener.awaitClosed());
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)),
                Servers.options().maxWebSocketFrameBytes(1024).build());
        WsClient client = WsClient.connect(wsUri(running, "/ws"));
        client.socket.sendText("a".repeat(1024), true).get(5, TimeUnit.SECONDS);
        assertEquals(1024, client.nextText().length(), "a message of exactly the limit passes");
        client.socket.sendText("a".repeat(2000), true);
        assertEquals(1009, client.awaitClose());
        assertTrue(listener.awaitClosed().startsWith("1009 "), listener.closed.get());
    }

    @Test
    void fragmentsAddingUpOverTheLimitCloseWith1009() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)),
                Servers.options().maxWebSocketFrameBytes(1000).build());
        try (RawWebSocket ws = RawWebSocket.open(running.port(), "/ws")) {
            ws.send(0x1, false, new byte[600]);
            ws.send(0x0, true, new byte[600]);
            RawWebSocket.Frame close = ws.read();
            assertEquals(0x8, close.opcode());
            assertEquals(1009, close.closeCode());
            ws.sendClose(1009);
            assertEquals(-1, ws.http.readToEnd(), "the server closes once the close handshake is done");
        }
        assertTrue(listener.awaitClosed().startsWith("1009 "));
        assertTrue(listener.received.isEmpty());
    }

    @Test
    void aBinaryMessageClosesWith1003() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)));
        try (RawWebSocket ws = RawWebSocket.open(running.port(), "/ws")) {
            ws.send(0x2, true, new byte[] {1, 2, 3});
            RawWebSocket.Frame close = ws.read();
            assertEquals(0x8, close.opcode());
            assertEquals(1003, close.closeCode());
        }
        assertTrue(listener.awaitClosed().startsWith("1003 "));
    }

    @Test
    void theCoreCanSendAndCloseWithItsOwnCode() throws Exception {
        RecordingListener listener = new RecordingListener(false) {
            @Override
            public void onOpen(WebSocketSession session) {
                super.onOpen(session);
                session.sendText("welcome");
                session.close(4000, "done");
            }
        };
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)));
        WsClient client = WsClient.connect(wsUri(running, "/ws"));
        assertEquals("welcome", client.nextText());
        assertEquals(4000, client.awaitClose());
        assertEquals("done", client.closeReason.get(5, TimeUnit.SECONDS));
        assertEquals("4000 done", listener.awaitClosed());
    }

    @Test
    void aDroppedConnectionIsReportedAs1006() throws Exception {
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(404, "{}"), r -> WebSocketDecision.accept(listener)));
        RawWebSocket ws = RawWebSocket.open(running.port(), "/ws");
        listener.awaitOpen();
        ws.close();
        assertTrue(listener.awaitClosed().startsWith("1006"), listener.closed.get());
    }

    @Test
    void upgradesHelidonDoesNotHandOverStillAskTheCore() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RecordingListener listener = new RecordingListener(true);
        running = Servers.start(handler(r -> json(200, "{\"plain\":true}"), r -> {
            asked.incrementAndGet();
            return r.headers().contains("Authorization") ? WebSocketDecision.accept(listener)
                    : WebSocketDecision.reject(unauthorized());
        }));
        try (RawHttp raw = new RawHttp(running.port())) {
            // An unusual spelling of the Upgrade value: Helidon does not call the upgrader.
            raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: webSOCKET\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(401, raw.read().status());
            // Accepted by the core but without a key: the handshake cannot be completed.
            raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Authorization: Bearer t\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(400, raw.read().status());
            // A version the server does not speak.
            raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Authorization: Bearer t\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 8\r\n\r\n");
            RawHttp.Response version = raw.read();
            assertEquals(426, version.status());
            assertEquals("13", version.header("Sec-WebSocket-Version"));
            // A POST with an Upgrade header is a plain request.
            raw.send("POST /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n");
            assertEquals("{\"plain\":true}", raw.read().text());
        }
        assertEquals(3, asked.get());
        assertFalse(listener.opened.isDone());
    }
}
