package dev.portico.server.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades through the Undertow adapter, with the JDK's WebSocket client. */
class UndertowWebSocketIT {
    private static final String REJECTION = "{\"ok\":false,\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"missing token\"}}";

    private RunningTransport running;
    private final AtomicReference<HttpRequest> upgradeRequest = new AtomicReference<>();
    private final AtomicBoolean handleCalled = new AtomicBoolean();
    private final ServerSide server = new ServerSide();

    /** The server's listener: echoes text, records what it saw. */
    static final class ServerSide implements WebSocketListener {
        final CountDownLatch opened = new CountDownLatch(1);
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
        final CompletableFuture<String> closeReason = new CompletableFuture<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile WebSocketSession session;

        @Override
        public void onOpen(WebSocketSession session) {
            this.session = session;
            opened.countDown();
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            texts.add(text);
            if (text.startsWith("close:")) {
                session.close(Integer.parseInt(text.substring(6)), "asked to");
            } else {
                session.sendText(text);
            }
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            closeCode.complete(new int[] {code});
            closeReason.complete(reason);
        }

        @Override
        public void onError(WebSocketSession session, Throwable error) {
            this.error.set(error);
        }
    }

    /** The JDK client's listener: collects whole messages and the close. */
    static final class ClientSide implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final CompletableFuture<String> closeReason = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            closeReason.complete(reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop(Duration.ZERO);
        }
    }

    private int start(UnaryOperator<TransportOptions.Builder> options) {
        running = new UndertowTransport().start(TestHandler.of(request -> {
            handleCalled.set(true);
            return HttpResponse.text(404, "application/json", "{}");
        }, request -> {
            upgradeRequest.set(request);
            if (request.queryParam("token").isEmpty()) {
                return WebSocketDecision.reject(HttpResponse.of(401,
                        Headers.builder().set("Content-Type", "application/json").build(),
                        REJECTION.getBytes(StandardCharsets.UTF_8)));
            }
            return WebSocketDecision.accept(server);
        }), options.apply(TransportOptions.builder().port(0)).build());
        return running.port();
    }

    private WebSocket connect(int port, String target, ClientSide client) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Probe", "yes")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + target), client)
                .get(5, TimeUnit.SECONDS);
    }

    private static String poll(BlockingQueue<String> queue) throws InterruptedException {
        String text = queue.poll(5, TimeUnit.SECONDS);
        assertNotNull(text, "no message within 5 s");
        return text;
    }

    private static int serverCode(ServerSide server) throws Exception {
        return server.closeCode.get(5, TimeUnit.SECONDS)[0];
    }

    @Test
    void acceptedOnAnyPathAndTextRoundTripsWithEmojiAndCjk() throws Exception {
        int port = start(UnaryOperator.identity());
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/any/deep/path%20x?token=t&x=1", client);
        assertTrue(server.opened.await(5, TimeUnit.SECONDS));

        HttpRequest request = upgradeRequest.get();
        assertEquals("GET", request.method());
        assertEquals("/any/deep/path%20x", request.path());
        assertEquals("token=t&x=1", request.rawQuery());
        assertEquals("yes", request.headers().first("x-probe").orElseThrow());
        assertEquals("websocket", request.headers().first("Upgrade").orElseThrow().toLowerCase(java.util.Locale.ROOT));
        assertTrue(request.remoteAddress().getAddress().isLoopbackAddress());
        assertEquals(request, server.session.request());

        String text = "héllo 😀 漢字 👩‍💻";
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        assertEquals(text, poll(server.texts));
        assertEquals(text, poll(client.texts));

        // A message split into fragments arrives whole, once.
        ws.sendText("part one, ", false).get(5, TimeUnit.SECONDS);
        ws.sendText("part two 漢", true).get(5, TimeUnit.SECONDS);
        assertEquals("part one, part two 漢", poll(server.texts));
        assertEquals("part one, part two 漢", poll(client.texts));

        // A message larger than one Undertow buffer is assembled.
        String big = "0123456789abcdef😀".repeat(8 * 1024);
        ws.sendText(big, true).get(5, TimeUnit.SECONDS);
        assertEquals(big, poll(server.texts));
        assertEquals(big, poll(client.texts));

        ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(1000, serverCode(server));
        assertEquals("bye", server.closeReason.get(5, TimeUnit.SECONDS));
        assertEquals(1000, client.closeCode.get(5, TimeUnit.SECONDS));
        assertNull(server.error.get());
        assertFalse(handleCalled.get(), "an upgrade never reaches handle()");
    }

    @Test
    void rejectedUpgradeSendsTheCoresResponseAndNoHandshake() throws Exception {
        int port = start(UnaryOperator.identity());
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET /api/chat/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(401, head.status());
            assertEquals("application/json", head.first("Content-Type"));
            assertNull(head.first("Upgrade"));
            assertNull(head.first("Sec-WebSocket-Accept"));
            assertEquals(REJECTION, new String(http.readBody(head), StandardCharsets.UTF_8));
        }
        assertEquals("/api/chat/live", upgradeRequest.get().path());

        ExecutionException e = assertThrows(ExecutionException.class, () -> connect(port, "/api/chat/live", new ClientSide()));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
        assertFalse(handleCalled.get());
    }

    @Test
    void messageOverTheLimitClosesWith1009AndOneAtTheLimitPasses() throws Exception {
        int port = start(o -> o.maxWebSocketFrameBytes(1024));
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/ws?token=t", client);

        String atLimit = "é".repeat(512); // 1024 UTF-8 bytes
        ws.sendText(atLimit, true).get(5, TimeUnit.SECONDS);
        assertEquals(atLimit, poll(client.texts));

        ws.sendText("é".repeat(512) + "x", true).get(5, TimeUnit.SECONDS);
        assertEquals(1009, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals(1009, serverCode(server));
        assertEquals(List.of(atLimit), List.copyOf(server.texts));
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() throws Exception {
        int port = start(o -> o.maxWebSocketFrameBytes(1000));
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/ws?token=t", client);
        ws.sendText("a".repeat(600), false).get(5, TimeUnit.SECONDS);
        ws.sendText("b".repeat(600), true).get(5, TimeUnit.SECONDS);
        assertEquals(1009, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals(1009, serverCode(server));
        assertTrue(server.texts.isEmpty());
    }

    @Test
    void binaryMessagesCloseWith1003() throws Exception {
        int port = start(UnaryOperator.identity());
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/ws?token=t", client);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        assertEquals(1003, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals(1003, serverCode(server));
    }

    @Test
    void serverSideCloseReachesTheClientWithItsCode() throws Exception {
        int port = start(UnaryOperator.identity());
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/ws?token=t", client);
        ws.sendText("close:4000", true).get(5, TimeUnit.SECONDS);
        assertEquals(4000, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals("asked to", client.closeReason.get(5, TimeUnit.SECONDS));
        assertEquals(4000, serverCode(server));
    }

    @Test
    void droppedConnectionIsReportedAs1006() throws Exception {
        int port = start(UnaryOperator.identity());
        WebSocket ws = connect(port, "/ws?token=t", new ClientSide());
        assertTrue(server.opened.await(5, TimeUnit.SECONDS));
        ws.abort();
        assertEquals(1006, serverCode(server));
    }

    @Test
    void closeWithoutStatusIsReportedAs1005() throws Exception {
        int port = start(UnaryOperator.identity());
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET /ws?token=t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(101, head.status());
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.first("Sec-WebSocket-Accept"));
            assertTrue(server.opened.await(5, TimeUnit.SECONDS));
            // A masked close frame with no payload.
            http.send(new byte[] {(byte) 0x88, (byte) 0x80, 1, 2, 3, 4});
            assertEquals(1005, serverCode(server));
            byte[] reply = http.socket().getInputStream().readNBytes(2);
            assertEquals((byte) 0x88, reply[0], "the close frame is answered");
        }
    }

    @Test
    void malformedHandshakeIsServedAsAPlainRequest() throws Exception {
        int port = start(UnaryOperator.identity());
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET /ws?token=t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(404, head.status());
            http.readBody(head);
        }
        assertTrue(handleCalled.get());
        assertNull(upgradeRequest.get());
    }

    @Test
    void theHttpIdleTimeoutDoesNotCloseAnOpenWebSocket() throws Exception {
        int port = start(o -> o.idleTimeout(Duration.ofMillis(100)));
        ClientSide client = new ClientSide();
        WebSocket ws = connect(port, "/ws?token=t", client);
        assertTrue(server.opened.await(5, TimeUnit.SECONDS));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> client.closeCode.get(600, TimeUnit.MILLISECONDS));
        ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertEquals("still here", poll(client.texts));
    }

    @Test
    void aPeerThatStopsReadingIsClosedWith1008() throws Exception {
        CompletableFuture<Integer> serverClose = new CompletableFuture<>();
        AtomicBoolean refused = new AtomicBoolean();
        running = new UndertowTransport().start(TestHandler.of(r -> HttpResponse.text(404, "text/plain", ""),
                r -> WebSocketDecision.accept(new WebSocketListener() {
                    @Override
                    public void onOpen(WebSocketSession session) {
                        String chunk = "x".repeat(10 * 1024);
                        for (int i = 0; i < 5000 && !refused.get(); i++) {
                            refused.set(!session.sendText(chunk));
                        }
                    }

                    @Override
                    public void onClose(WebSocketSession session, int code, String reason) {
                        serverClose.complete(code);
                    }
                })), TransportOptions.builder().port(0).maxQueuedOutboundBytes(64 * 1024).build());
        WebSocket.Listener neverReads = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                // no request(1): the client reads nothing
            }
        };
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + running.port() + "/flood"), neverReads)
                .get(5, TimeUnit.SECONDS);
        assertEquals(1008, serverClose.get(10, TimeUnit.SECONDS));
        assertTrue(refused.get(), "sendText reported the full queue");
        ws.abort();
    }
}
