package dev.portico.server.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful and forced stops of the Undertow adapter. */
class UndertowStopIT {

    /** Connects until the port refuses, for at most {@code within}. */
    private static boolean refusesConnections(int port, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (ConnectException refused) {
                return true;
            } catch (SocketException resetWhileTheListenerClosed) {
                // A connection caught in the accept backlog as the listener closes is reset; the
                // next attempt shows whether the port now refuses.
            }
        }
        return false;
    }

    /**
     * The XNIO threads still alive, after giving each up to a second to finish: a worker reports
     * its termination from its threads' last steps, so one may still be leaving run().
     */
    private static List<String> xnioThreads() throws InterruptedException {
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(UndertowServer.WORKER_NAME + " "))
                .toList();
        for (Thread t : threads) {
            t.join(1000);
        }
        return threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    @Test
    void gracefulStopRefusesNewConnectionsFinishesInFlightRequestsAndClosesWebSocketsWith1001() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UndertowWebSocketIT.ServerSide serverSocket = new UndertowWebSocketIT.ServerSide();
        RunningTransport running = new UndertowTransport().start(TestHandler.of(request -> {
            if (!request.path().equals("/slow")) {
                return HttpResponse.text(200, "text/plain", request.path());
            }
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "text/plain", "finished");
        }, request -> WebSocketDecision.accept(serverSocket)), TransportOptions.builder().port(0).build());
        int port = running.port();

        RawHttp keptAlive = new RawHttp(port, 5000);
        keptAlive.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Head first = keptAlive.readHead();
        assertEquals("/before", new String(keptAlive.readBody(first), java.nio.charset.StandardCharsets.UTF_8));

        HttpClient http = HttpClient.newHttpClient();
        UndertowWebSocketIT.ClientSide client = new UndertowWebSocketIT.ClientSide();
        http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/live"), client).get(5, TimeUnit.SECONDS);
        assertTrue(serverSocket.opened.await(5, TimeUnit.SECONDS));

        CompletableFuture<java.net.http.HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(entered.await(5, TimeUnit.SECONDS));

        CountDownLatch stopped = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            running.stop(Duration.ofSeconds(10));
            stopped.countDown();
        });

        assertTrue(refusesConnections(port, Duration.ofSeconds(2)), "new connections are refused once stop begins");
        assertEquals(1, stopped.getCount(), "stop waits for the in-flight request");
        assertFalse(client.closeCode.isDone(), "WebSockets stay open while requests drain");

        // A keep-alive connection opened before the stop may still send a request while draining:
        // it is served, told that the connection closes, and closed.
        try (keptAlive) {
            keptAlive.send("GET /during HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = keptAlive.readHead();
            assertEquals(200, head.status());
            assertEquals(List.of("close"), head.all("Connection"));
            assertEquals("/during", new String(keptAlive.readBody(head), java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(keptAlive.closedByServer());
        }

        release.countDown();
        java.net.http.HttpResponse<String> response = slow.get(5, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("finished", response.body());

        assertEquals(1001, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals(1001, serverSocket.closeCode.get(5, TimeUnit.SECONDS)[0]);
        assertTrue(stopped.await(5, TimeUnit.SECONDS), "stop returned");

        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort(), "the port is free after stop");
        }
        assertEquals(List.of(), xnioThreads(), "XNIO threads are gone");

        long before = System.nanoTime();
        running.stop(Duration.ofSeconds(10));
        running.close();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before) < 100, "a second stop returns at once");
    }

    @Test
    void stopGivesUpOnRequestsThatOutlastTheDrain() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        RunningTransport running = new UndertowTransport().start(TestHandler.http(request -> {
            entered.countDown();
            try {
                never.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "text/plain", "too late");
        }), TransportOptions.builder().port(0).build());
        CompletableFuture<java.net.http.HttpResponse<String>> stuck = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/stuck")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(entered.await(5, TimeUnit.SECONDS));

        long started = System.nanoTime();
        running.stop(Duration.ofMillis(200));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis >= 190 && millis < 3000, "stop took " + millis + " ms");
        assertThrows(Exception.class, () -> stuck.get(5, TimeUnit.SECONDS), "the stuck request's connection is closed");
        assertEquals(List.of(), xnioThreads());
    }

    @Test
    void stopWithoutTrafficIsQuickAndFreesThePort() throws Exception {
        RunningTransport running = new UndertowTransport().start(
                TestHandler.http(r -> HttpResponse.text(200, "text/plain", "ok")), TransportOptions.builder().port(0).build());
        int port = running.port();
        // An idle keep-alive connection must not hold the stop up.
        try (RawHttp idle = new RawHttp(port, 5000)) {
            idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = idle.readHead();
            idle.readBody(head);
            long started = System.nanoTime();
            running.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 1000, "stop took " + millis + " ms");
            assertTrue(idle.closedByServer(), "idle connections are closed by stop");
        }
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort());
        }
    }
}
