package dev.portico.server.helidon;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * The Portico transport on the Helidon SE 4 WebServer: HTTP/1.1, server-sent events and
 * WebSocket, every request on its own virtual thread.
 *
 * <pre>{@code
 * RunningTransport running = new HelidonTransport().start(gateway.handler(),
 *         TransportOptions.builder().port(0).build());
 * System.out.println("listening on " + running.port());
 * running.stop(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The adapter decides nothing observable: the core's handler answers every method on every path
 * (including WebSocket upgrades, which it accepts or rejects before the handshake), and its status,
 * headers and body are sent unchanged. Helidon adds only {@code Date}, the body framing
 * ({@code Content-Length} or chunking) and {@code Connection}. One instance may start any number of
 * servers.
 */
public final class HelidonTransport implements Transport {
    /**
     * Helidon's own wait for connections when stopping. The adapter drains and forces connections
     * itself within the {@code drain} given to {@link RunningTransport#stop(Duration)}, so this is
     * only a backstop for handler code that ignores interrupts.
     */
    private static final Duration HELIDON_GRACE = Duration.ofMinutes(10);

    /** Creates the transport; nothing is bound until {@link #start}. */
    public HelidonTransport() {
        // Stateless: each start builds its own server.
    }

    @Override
    public RunningTransport start(GatewayHandler handler, TransportOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        String where = options.host() + ":" + options.port();
        InetAddress address;
        try {
            address = InetAddress.getByName(options.host());
        } catch (UnknownHostException e) {
            throw new TransportException(where + ": unknown host", e);
        }
        if (options.port() != 0) {
            ensureFree(address, options.port(), where);
        }
        ServerState state = new ServerState(handler, options);
        WebServer server;
        try {
            server = build(address, state);
            server.start();
        } catch (RuntimeException e) {
            throw new TransportException(where + ": the Helidon WebServer failed to start: " + e.getMessage(), e);
        }
        if (!server.isRunning()) {
            // Helidon logs its bind failure and returns a stopped server instead of throwing.
            if (options.port() != 0) {
                ensureFree(address, options.port(), where);
            }
            throw new TransportException(where + ": the Helidon WebServer failed to start", null);
        }
        return new HelidonRunningTransport(server, state, new InetSocketAddress(address, server.port()));
    }

    @Override
    public String name() {
        return "helidon";
    }

    private static WebServer build(InetAddress address, ServerState state) {
        TransportOptions options = state.options();
        Http1Config http1 = Http1Config.builder()
                .maxPrologueLength(options.maxHeaderBytes())
                .maxHeadersSize(options.maxHeaderBytes())
                .receiveLog(false)
                .sendLog(false)
                .build();
        var http1Selector = Http1ConnectionSelector.builder().config(http1);
        WebSocketUpgrade upgrade = new WebSocketUpgrade(state);
        WebSocketUpgrade.SPELLINGS.forEach(spelling -> http1Selector.putUpgrader(spelling, upgrade));
        GatewayRoute route = new GatewayRoute(state);
        return WebServer.builder()
                .address(address)
                .port(options.port())
                // Only the adapter's own HTTP/1.1 selector: no discovered protocols or features.
                .protocolsDiscoverServices(false)
                .featuresDiscoverServices(false)
                .addConnectionSelector(new TrackingSelector(http1Selector.build(), state))
                .routing(HttpRouting.builder().any(route))
                // Bodies are streamed to the core, which answers 413 in its own envelope.
                .maxPayloadSize(-1)
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .idleConnectionTimeout(options.idleTimeout())
                .idleConnectionPeriod(idlePeriod(options.idleTimeout()))
                .shutdownGracePeriod(HELIDON_GRACE)
                .shutdownHook(false)
                .build();
    }

    /** How often Helidon looks for idle connections: often enough to honour short timeouts, at least every second. */
    static Duration idlePeriod(Duration idleTimeout) {
        Duration quarter = idleTimeout.dividedBy(4);
        Duration min = Duration.ofMillis(50);
        Duration max = Duration.ofSeconds(1);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /**
     * Fails fast, with the message the contract asks for, when something already listens on the
     * port. Helidon itself would only log its bind failure.
     */
    private static void ensureFree(InetAddress address, int port, String where) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port), 1);
        } catch (BindException e) {
            throw new TransportException(where + ": address already in use", e);
        } catch (IOException e) {
            throw new TransportException(where + ": cannot bind: " + e.getMessage(), e);
        }
    }
}
