package dev.portico.server.helidon;

import static dev.portico.server.helidon.Servers.HTTP;
import static dev.portico.server.helidon.Servers.handler;
import static dev.portico.server.helidon.Servers.json;
import static dev.portico.server.helidon.Servers.uri;
import static dev.portico.server.helidon.Servers.wsUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketDecision;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binding, port errors and the graceful stop. */
class HelidonLifecycleIT {

    @Test
    void portZeroBindsAFreePortAndAddressReportsIt() throws Exception {
        RunningTransport running = Servers.start(handler(r -> json(200, "{}")));
        try {
            assertTrue(running.port() > 0);
            assertEquals(running.port(), running.address().getPort());
            assertEquals(InetAddress.getByName("127.0.0.1"), running.address().getAddress());
            assertEquals(200, HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/")).build(),
                    BodyHandlers.discarding()).statusCode());
        } finally {
            running.close();
        }
    }

    @Test
    void aPortInUseFailsWithTheAddressInTheMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            TransportException e = assertThrows(TransportException.class, () -> Servers.start(
                    handler(r -> json(200, "{}")), Servers.options().port(port).build()));
            assertEquals("127.0.0.1:" + port + ": address already in use", e.getMessage());
        }
    }

    @Test
    void anUnknownHostFailsWithTheAddressInTheMessage() {
        TransportException e = assertThrows(TransportException.class, () -> Servers.start(
                handler(r -> json(200, "{}")), Servers.options().host("no-such-host.invalid").port(0).build()));
        assertTrue(e.getMessage().startsWith("no-such-host.invalid:0: "), e.getMessage());
    }

    @Test
    void stopDrainsInFlightRequestsClosesWebSocketsWith1001AndRefusesNewConnections() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener(true);
        RunningTransport running = Servers.start(handler(r -> {
            inHandler.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted during the drain", e);
            }
            return json(200, "{\"finished\":true}");
        }, r -> WebSocketDecision.accept(listener)));
        int port = running.port();

        WsClient ws = WsClient.connect(wsUri(running, "/api/chat/live"));
        listener.awaitOpen();
        CompletableFuture<java.net.http.HttpResponse<String>> inFlight = HTTP.sendAsync(
                java.net.http.HttpRequest.newBuilder(uri(running, "/api/agent")).build(), BodyHandlers.ofString());
        assertTrue(inHandler.await(5, TimeUnit.SECONDS));

        // On its own thread: a blocked common-pool worker could stall the JDK client's own stages.
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            running.stop(Duration.ofSeconds(10));
            stopped.complete(null);
        });

        // Helidon closes the listening socket before it asks the sockets to close, so once the
        // WebSocket has its 1001, new connections must be refused.
        assertEquals(WebSocketCloseCodes.GOING_AWAY, ws.awaitClose());
        assertEquals("server stopping", ws.closeReason.get(5, TimeUnit.SECONDS));
        assertEquals("1001 server stopping", listener.awaitClosed());
        assertNotServed(port);
        assertFalse(stopped.isDone(), "stop waits for the in-flight request");

        release.countDown();
        java.net.http.HttpResponse<String> response = inFlight.get(5, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("{\"finished\":true}", response.body());
        stopped.get(5, TimeUnit.SECONDS);

        assertPortFree(port);
        running.stop(Duration.ofSeconds(1));
        running.close();
    }

    @Test
    void stopWithoutDrainEndsStuckRequestsPromptly() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        RunningTransport running = Servers.start(handler(r -> {
            inHandler.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
            return json(200, "{}");
        }));
        int port = running.port();
        CompletableFuture<java.net.http.HttpResponse<String>> inFlight = HTTP.sendAsync(
                java.net.http.HttpRequest.newBuilder(uri(running, "/slow")).build(), BodyHandlers.ofString());
        assertTrue(inHandler.await(5, TimeUnit.SECONDS));

        long started = System.nanoTime();
        running.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "stopped in " + took);
        assertTrue(interrupted.get(5, TimeUnit.SECONDS), "the stuck handler was interrupted");
        assertThrows(Exception.class, () -> inFlight.get(5, TimeUnit.SECONDS));
        assertPortFree(port);
    }

    @Test
    void stopOfAnIdleServerIsQuickAndFreesThePortForANewServer() throws Exception {
        RunningTransport first = Servers.start(handler(r -> json(200, "{\"n\":1}")));
        int port = first.port();
        // An idle keep-alive connection must not hold the stop back.
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, raw.read().status());
            long started = System.nanoTime();
            first.stop(Duration.ofSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopped in " + took);
            assertEquals(-1, raw.readToEnd(), "the idle connection was closed");
        }
        RunningTransport second = Servers.start(handler(r -> json(200, "{\"n\":2}")),
                Servers.options().port(port).build());
        try {
            assertEquals(port, second.port());
            assertEquals("{\"n\":2}", HTTP.send(java.net.http.HttpRequest.newBuilder(uri(second, "/")).build(),
                    BodyHandlers.ofString()).body());
        } finally {
            second.close();
        }
    }

    /**
     * A new connection is refused, or (when it races the listener's close by a fraction of a
     * millisecond and lands in the closing backlog) ends without an answer.
     */
    private static void assertNotServed(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.setSoTimeout(2_000);
            try {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, s.getInputStream().read(), "a connection made during the stop is not served");
            } catch (SocketException reset) {
                // Reset by the closed listener: not served either.
            }
        } catch (ConnectException refused) {
            // The usual case.
        }
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }
}
