package dev.portico.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportCapability;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.core.RunningGateway;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Starting and stopping: port 0 binds a real port, a port in use fails with a
 * {@link TransportException} naming it, and a graceful stop refuses new connections at once,
 * lets in-flight requests finish within the drain time (and no longer), closes open WebSockets
 * with 1001, may be called twice, and frees the port.
 */
public abstract class LifecycleConformance extends TransportConformanceBase {

    /** For subclasses. */
    protected LifecycleConformance() {}

    /**
     * During {@code stop(5 s)} with a request in flight: new connections fail at once, stop keeps
     * waiting, the in-flight request completes with its 200 once the agent answers, and stop then
     * returns.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void gracefulStopFinishesInFlightRequestsAndRefusesNewConnections() throws Exception {
        GateAgent gate = new GateAgent();
        TckServer server = start(new KitHandler(gatewayBuilder().agent(gate).build().handler()));
        CompletableFuture<HttpResponse<byte[]>> inFlight = client().sendAsync(
                agentRequest(server, "drained ✓"), HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(gate.entered.await(5, TimeUnit.SECONDS), "the in-flight request never reached the agent");

        Stopping stopping = stopInBackground(server.running(), Duration.ofSeconds(5));
        try {
            assertNewConnectionsFail(server, Duration.ofSeconds(3));
            assertEquals(1, stopping.returned.getCount(), "stop(5 s) returned while a request was still in flight;"
                    + " it must let in-flight requests finish (up to the drain time) before returning");
        } finally {
            gate.release.countDown();
        }

        HttpResponse<byte[]> response;
        try {
            response = inFlight.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            fail("the in-flight request failed during a graceful stop: " + e.getCause(), e.getCause());
            return;
        }
        Reply reply = new Reply(response.statusCode(), response.headers(), response.body());
        assertEquals(200, reply.status(), () -> "the in-flight request during stop: " + reply);
        assertEquals("drained ✓", reply.json().getString("reply"), () -> "the in-flight request during stop: " + reply);
        stopping.assertReturned(Duration.ofSeconds(5));
    }

    /**
     * {@code stop(500 ms)} returns soon after the drain time even when a request never finishes.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void stopReturnsWhenTheDrainTimeExpires() throws Exception {
        GateAgent gate = new GateAgent();
        TckServer server = start(new KitHandler(gatewayBuilder().agent(gate).build().handler()));
        client().sendAsync(agentRequest(server, "never answered"), HttpResponse.BodyHandlers.discarding());
        assertTrue(gate.entered.await(5, TimeUnit.SECONDS), "the in-flight request never reached the agent");
        try {
            stopInBackground(server.running(), Duration.ofMillis(500)).assertReturned(Duration.ofSeconds(5));
        } finally {
            gate.release.countDown();
        }
    }

    /**
     * An open WebSocket is closed with 1001 (going away) by stop, seen by the client and the listener.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void openWebSocketIsClosedWith1001OnStop() throws Exception {
        assumeTrue(transport().capabilities().contains(TransportCapability.WEBSOCKET),
                () -> transport().name() + " does not declare TransportCapability.WEBSOCKET");
        AtomicReference<RecordingSocket> socket = new AtomicReference<>();
        TckServer server = start(kit().socket("/tck/ws", () -> {
            RecordingSocket s = new RecordingSocket();
            socket.set(s);
            return s;
        }));
        WsClient ws = websocket(server.ws("/tck/ws"), Map.of());
        socket.get().awaitOpen(WAIT);
        Stopping stopping = stopInBackground(server.running(), Duration.ofSeconds(2));
        WsClient.Closed closed = ws.awaitClose(WAIT);
        assertEquals(WebSocketCloseCodes.GOING_AWAY, closed.code(), () -> "close the client saw on stop: " + closed);
        assertEquals(WebSocketCloseCodes.GOING_AWAY, socket.get().awaitCloseCode(WAIT),
                "close code the listener received on stop");
        stopping.assertReturned(WAIT);
    }

    /** Starting a second server on a port in use fails with a {@link TransportException} naming the port. */
    @Test
    public void secondStartOnTheSamePortFails() {
        TckServer first = startGateway();
        int port = first.port();
        RunningTransport second;
        try {
            second = transport().start(kit(), options().port(port).build());
        } catch (TransportException expected) {
            assertTrue(String.valueOf(expected.getMessage()).contains(String.valueOf(port)),
                    () -> "the TransportException must name the port " + port + ": " + expected.getMessage());
            return;
        } catch (RuntimeException wrong) {
            fail("starting on port " + port + " while it is in use must throw TransportException, threw " + wrong, wrong);
            return;
        }
        closeAfterTest(() -> second.stop(Duration.ZERO));
        fail("a second server started on port " + port + " while the first one still listens on it");
    }

    /**
     * Port 0 binds a real, reachable port, directly and through {@code Gateway.start}.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void portZeroBindsARealPort() throws Exception {
        TckServer server = startGateway();
        assertTrue(server.port() > 0, () -> "port() after binding port 0: " + server.port());
        assertEquals(server.port(), server.running().address().getPort(), "address().getPort() and port()");
        assertEquals(200, rawGet(server, "/health").head().status(), "GET /health on the bound port");

        RunningGateway running = gatewayBuilder().build().start(transport(), options().build());
        closeAfterTest(() -> running.stop(Duration.ZERO));
        assertTrue(running.port() > 0, () -> "RunningGateway.port() after binding port 0: " + running.port());
        assertEquals(transport().name(), running.transportName(), "RunningGateway.transportName()");
        Reply health = send(request(URI.create("http://127.0.0.1:" + running.port() + "/health")).GET().build());
        assertEquals(200, health.status(), () -> "GET /health through Gateway.start: " + health);
    }

    /**
     * {@code stop} may be called twice, and once it returned the port can be bound again.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void stopIsIdempotentAndFreesThePort() throws Exception {
        TckServer first = startGateway();
        int port = first.port();
        assertEquals(200, rawGet(first, "/health").head().status(), "GET /health before stop");
        first.running().stop(Duration.ZERO);
        assertDoesNotThrow(() -> first.running().stop(Duration.ZERO), "a second stop() must do nothing");
        TckServer second;
        try {
            second = start(kit(), options().port(port).build());
        } catch (TransportException e) {
            fail("port " + port + " was not free after stop() returned: " + e.getMessage(), e);
            return;
        }
        assertEquals(200, rawGet(second, "/health").head().status(), "GET /health after restarting on the same port");
    }

    // ---- helpers

    /** An agent that blocks until released, then echoes. */
    private static final class GateAgent implements Agent {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void run(AgentRequest request, AgentEventSink events) throws InterruptedException {
            entered.countDown();
            if (!release.await(15, TimeUnit.SECONDS)) {
                events.emit(new AgentEvent.Failed("the test never released the gate"));
                return;
            }
            events.emit(new AgentEvent.TextDelta(request.message()));
            events.emit(new AgentEvent.Completed(request.message()));
        }
    }

    /** A {@code stop} running on another thread. */
    private record Stopping(CountDownLatch returned, AtomicReference<Throwable> failure) {
        void assertReturned(Duration within) throws InterruptedException {
            assertTrue(returned.await(within.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "stop() did not return within " + within.toMillis() + " ms");
            assertNull(failure.get(), () -> "stop() threw " + failure.get());
        }
    }

    private static Stopping stopInBackground(RunningTransport running, Duration drain) {
        Stopping stopping = new Stopping(new CountDownLatch(1), new AtomicReference<>());
        Thread.ofVirtual().name("tck-stop").start(() -> {
            try {
                running.stop(drain);
            } catch (Throwable t) {
                stopping.failure().set(t);
            } finally {
                stopping.returned().countDown();
            }
        });
        return stopping;
    }

    private static HttpRequest agentRequest(TckServer server, String message) {
        return request(server.http("/api/agent"), bearer())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json("message", message), StandardCharsets.UTF_8))
                .build();
    }

    private RawConnection.Response rawGet(TckServer server, String target) throws IOException {
        try (RawConnection c = RawConnection.open(server.address(), Duration.ofSeconds(2))) {
            c.writeHead("GET " + target + " HTTP/1.1\r\nHost: " + server.authority() + "\r\nConnection: close\r\n\r\n");
            return c.readResponse();
        }
    }

    /**
     * Tries new connections (connect, {@code GET /health}, read) until one fails. Attempts served
     * before the stop took effect are retried; one that is accepted but then neither answered nor
     * closed fails the test at once.
     */
    private static void assertNewConnectionsFail(TckServer server, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int answered = 0;
        String last = "";
        while (true) {
            RawConnection c;
            try {
                c = RawConnection.open(server.address(), Duration.ofMillis(500));
            } catch (IOException refusedOrTimedOut) {
                return;
            }
            try (c) {
                c.writeHead("GET /health HTTP/1.1\r\nHost: " + server.authority() + "\r\nConnection: close\r\n\r\n");
                c.deadline(Duration.ofSeconds(2));
                last = c.readHead().statusLine();
                answered++;
            } catch (SocketTimeoutException hung) {
                fail("during stop() a new connection was accepted but neither answered nor closed within 2 s;"
                        + " new connections must be refused or fail at once, not hang");
            } catch (IOException closedOrReset) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("new connections were still served " + within.toMillis() + " ms after stop() began ("
                        + answered + " answered, last: " + last + ")");
            }
        }
    }
}
