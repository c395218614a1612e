package dev.portico.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.api.transport.TransportCapability;
import dev.portico.api.transport.WebSocketCloseCodes;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the transport: the upgrade is decided by the gateway before the handshake,
 * whole text messages reach the listener (fragments assembled), the gateway's chat stream arrives
 * frame by frame, the size limit closes with 1009, and close codes travel both ways.
 *
 * <p>Skipped (not passed) when the transport does not declare {@link TransportCapability#WEBSOCKET}.
 */
public abstract class WebSocketConformance extends TransportConformanceBase {

    /** For subclasses. */
    protected WebSocketConformance() {}

    /** Skips the class for transports without WebSocket. */
    @BeforeEach
    public final void requireWebSocket() {
        assumeTrue(transport().capabilities().contains(TransportCapability.WEBSOCKET),
                () -> transport().name() + " does not declare TransportCapability.WEBSOCKET");
    }

    /**
     * An upgrade without a credential gets the gateway's HTTP 401 envelope and no handshake.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void upgradeWithoutCredentialIs401() throws Exception {
        JsonObject envelope = assertRefusedUpgrade(startGateway(), "", 401);
        assertEquals("UNAUTHORIZED", envelope.getJsonObject("error").getString("code"), () -> "401 body: " + envelope);
    }

    /**
     * An upgrade from a foreign browser origin is refused 403 before the handshake, whatever its
     * credential (cross-site WebSocket hijacking); one from the gateway's own origin is accepted.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void upgradeFromAForeignOriginIs403() throws Exception {
        TckServer server = startGateway();
        JsonObject envelope = assertRefusedUpgrade(server,
                "Origin: https://evil.example\r\nAuthorization: Bearer " + TOKEN + "\r\n", 403);
        assertEquals("FORBIDDEN", envelope.getJsonObject("error").getString("code"), () -> "403 body: " + envelope);

        WsClient same = websocket(server.ws("/api/chat/live"), Map.of("Authorization", "Bearer " + TOKEN,
                "Origin", "http://" + server.authority()));
        same.send(json("session", "tck-ws-origin", "message", "same origin"));
        assertChatTurn(same, "tck-ws-origin", "same origin");
    }

    /**
     * Each live chat message counts against the chat rate limit like an HTTP turn; past it the
     * answer is a {@code chat_error} frame and the socket stays open.
     */
    @Test
    public void liveChatTurnsCountAgainstTheChatRateLimit() {
        TckServer server = start(gatewayBuilder().rateLimit("chat", 1).build().handler());
        WsClient ws = websocket(server.ws("/api/chat/live"), Map.of("Authorization", "Bearer " + TOKEN));
        ws.send(json("session", "tck-ws-limit", "message", "first"));
        assertChatTurn(ws, "tck-ws-limit", "first");
        ws.send(json("session", "tck-ws-limit", "message", "second"));
        JsonObject error = ws.nextJson(WAIT);
        assertEquals("chat_error", error.getString("type", ""), () -> "answer past the limit: " + error);
        assertTrue(error.getString("error", "").startsWith("rate limit reached: 1 chat requests per minute"),
                () -> "answer past the limit: " + error);
        assertTrue(ws.isOpen(), "the socket stays open past the limit");
    }

    /** {@code /api/chat/live} streams {@code chat_chunk} frames whose deltas form the reply, then {@code chat_done}. */
    @Test
    public void chatStreamsChunksThenDone() {
        TckServer server = startGateway();
        WsClient ws = websocket(server.ws("/api/chat/live"), Map.of("Authorization", "Bearer " + TOKEN));
        ws.send(json("session", "tck-ws", "message", MULTIBYTE));
        assertChatTurn(ws, "tck-ws", MULTIBYTE);
    }

    /** A frame that is not JSON gets a {@code chat_error} frame, and the socket stays usable. */
    @Test
    public void badJsonIsChatErrorAndTheSocketStaysOpen() {
        TckServer server = startGateway();
        WsClient ws = websocket(server.ws("/api/chat/live"), Map.of("Authorization", "Bearer " + TOKEN));
        ws.send("{not json");
        JsonObject error = ws.nextJson(WAIT);
        assertEquals("chat_error", error.getString("type", ""), () -> "answer to bad JSON: " + error);
        assertEquals(JsonValue.FALSE, error.get("ok"), () -> "answer to bad JSON: " + error);
        assertFalse(error.getString("error", "").isBlank(), () -> "answer to bad JSON: " + error);
        ws.send(json("session", "tck-ws-after-error", "message", "still here"));
        assertChatTurn(ws, "tck-ws-after-error", "still here");
    }

    /** A text message sent in two fragments reaches the listener as one whole message. */
    @Test
    public void fragmentedMessageArrivesWhole() {
        AtomicReference<RecordingSocket> socket = new AtomicReference<>();
        TckServer server = start(kit().socket("/tck/ws", () -> recording(socket)));
        WsClient ws = websocket(server.ws("/tck/ws"), Map.of());
        ws.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap("héllo, ".getBytes(StandardCharsets.UTF_8)), false);
        ws.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap("wörld 🌍".getBytes(StandardCharsets.UTF_8)), true);
        assertEquals("héllo, wörld 🌍", ws.next(WAIT), "the echo of a message sent in two fragments");
    }

    /**
     * With {@code maxWebSocketFrameBytes} of 64 KiB, a 60 KiB message passes and a 100 KiB message
     * closes the socket with 1009, reported to both the client and the listener.
     */
    @Test
    public void oversizedMessageClosesWith1009() {
        AtomicReference<RecordingSocket> socket = new AtomicReference<>();
        TckServer server = start(kit().socket("/tck/ws", () -> recording(socket)),
                options().maxWebSocketFrameBytes(64 * 1024).build());
        WsClient ws = websocket(server.ws("/tck/ws"), Map.of());
        String fits = "a".repeat(60 * 1024);
        ws.send(fits);
        assertEquals(fits, ws.next(WAIT), "a 60 KiB message under the 64 KiB limit must pass");
        ws.send("b".repeat(100 * 1024));
        WsClient.Closed closed = ws.awaitClose(WAIT);
        assertEquals(WebSocketCloseCodes.MESSAGE_TOO_BIG, closed.code(),
                () -> "close after a 100 KiB message over the 64 KiB limit: " + closed);
        assertEquals(WebSocketCloseCodes.MESSAGE_TOO_BIG, socket.get().awaitCloseCode(WAIT),
                "close code the listener received");
    }

    /** A client close with 1000 reaches the listener as 1000. */
    @Test
    public void clientCloseCodeReachesTheListener() {
        AtomicReference<RecordingSocket> socket = new AtomicReference<>();
        TckServer server = start(kit().socket("/tck/ws", () -> recording(socket)));
        WsClient ws = websocket(server.ws("/tck/ws"), Map.of());
        socket.get().awaitOpen(WAIT);
        ws.close(WebSocketCloseCodes.NORMAL, "done");
        assertEquals(WebSocketCloseCodes.NORMAL, socket.get().awaitCloseCode(WAIT), "close code the listener received");
        assertEquals(WebSocketCloseCodes.NORMAL, ws.awaitClose(WAIT).code(), "close code the client saw");
    }

    /** {@code session.close(4000, "bye")} reaches the client as 4000 with its reason. */
    @Test
    public void serverCloseCodeReachesTheClient() {
        AtomicReference<RecordingSocket> socket = new AtomicReference<>();
        TckServer server = start(kit().socket("/tck/ws", () -> recording(socket)));
        WsClient ws = websocket(server.ws("/tck/ws"), Map.of());
        ws.send(RecordingSocket.CLOSE_ME);
        WsClient.Closed closed = ws.awaitClose(WAIT);
        assertEquals(4000, closed.code(), () -> "close the client saw: " + closed);
        assertEquals("bye", closed.reason(), () -> "close the client saw: " + closed);
        assertTrue(closed.remote(), () -> "the server started the close: " + closed);
        assertEquals(4000, socket.get().awaitCloseCode(WAIT), "close code the listener received");
    }

    /**
     * An event stream consumer that stops reading is disconnected with 1008 once the transport's
     * outbound bound ({@code maxQueuedOutboundBytes}) is exceeded, instead of the gateway buffering
     * for it without end. The client reads nothing until the gateway has published far more than
     * the socket and the bound can hold, then drains and must find the 1008 close.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void anEventConsumerThatStopsReadingIsClosedWith1008() throws Exception {
        dev.portico.api.transport.GatewayHandler gateway = gatewayBuilder().build().handler();
        TckServer server = start(new KitHandler(gateway), options().maxQueuedOutboundBytes(64 * 1024).build());
        java.util.concurrent.CompletableFuture<Integer> closeCode = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        java.net.http.WebSocket.Listener stalled = new java.net.http.WebSocket.Listener() {
            @Override
            public void onOpen(java.net.http.WebSocket webSocket) {
                webSocket.request(1); // only the "ready" frame, then nothing until the test says so
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data,
                    boolean last) {
                ready.countDown();
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int statusCode,
                    String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(java.net.http.WebSocket webSocket, Throwable error) {
                closeCode.completeExceptionally(error);
            }
        };
        java.net.http.WebSocket ws = client().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(java.net.URI.create("ws://" + server.authority() + "/api/events/live"), stalled)
                .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(ready.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "no ready frame");
        String message = "x".repeat(60 * 1024);
        // Each turn publishes its deltas (the whole message) as events: 600 turns are ~36 MB, far
        // more than loopback socket buffers plus the 64 KiB bound hold.
        for (int i = 0; i < 600 && !closeCode.isDone(); i++) {
            dev.portico.api.transport.HttpResponse r = gateway.handle(dev.portico.api.transport.HttpRequest.builder()
                    .method("POST").target("/api/agent").header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .body("{\"message\":\"" + message + "\",\"session\":\"flood-" + (i % 8) + "\"}").build());
            assertEquals(200, r.status());
        }
        ws.request(Long.MAX_VALUE);
        int code = closeCode.get(WAIT.toSeconds() * 2, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(WebSocketCloseCodes.POLICY_VIOLATION, code, "close code for a consumer that stopped reading");
    }

    /**
     * Sends an upgrade of {@code /api/chat/live} with extra header lines and checks that it is
     * refused with the status, without a handshake, in the JSON envelope.
     *
     * @return the envelope
     */
    private JsonObject assertRefusedUpgrade(TckServer server, String extraHeaderLines, int status) throws Exception {
        RawConnection c = raw(server);
        c.writeHead("GET /api/chat/live HTTP/1.1\r\n"
                + "Host: " + server.authority() + "\r\n"
                + extraHeaderLines
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n");
        c.deadline(WAIT);
        RawConnection.Head head = c.readHead();
        assertEquals(status, head.status(), () -> "status line of the refused upgrade: " + head.statusLine());
        assertFalse(head.first("upgrade").orElse("").toLowerCase(Locale.ROOT).contains("websocket"),
                () -> "a rejected upgrade must not be upgraded: " + head);
        assertTrue(head.first("content-type").orElse("").toLowerCase(Locale.ROOT).startsWith("application/json"),
                () -> "Content-Type of the refusal: " + head);
        String body = new String(c.body(head).readAllBytes(), StandardCharsets.UTF_8);
        JsonObject envelope = Reply.parseObject(body, status + " body");
        assertEquals(JsonValue.FALSE, envelope.get("ok"), () -> status + " body: " + body);
        return envelope;
    }

    private static RecordingSocket recording(AtomicReference<RecordingSocket> into) {
        RecordingSocket s = new RecordingSocket();
        if (!into.compareAndSet(null, s)) {
            fail("the kit expected one WebSocket per test, the transport accepted a second");
        }
        return s;
    }

    private static void assertChatTurn(WsClient ws, String session, String message) {
        StringBuilder deltas = new StringBuilder();
        int chunks = 0;
        while (true) {
            JsonObject frame = ws.nextJson(WAIT);
            String type = frame.getString("type", "");
            assertNotEquals("chat_error", type, () -> "chat turn failed: " + frame);
            assertEquals(JsonValue.TRUE, frame.get("ok"), () -> "frame: " + frame);
            assertEquals(session, frame.getString("session", ""), () -> "frame: " + frame);
            if (type.equals("chat_done")) {
                break;
            }
            assertEquals("chat_chunk", type, () -> "frame: " + frame);
            deltas.append(frame.getString("delta"));
            chunks++;
            assertTrue(chunks < 10_000, "more than 10000 chunks without chat_done");
        }
        assertTrue(chunks > 0, "no chat_chunk before chat_done");
        assertEquals(message, deltas.toString(), "the chat_chunk deltas concatenated");
    }
}
