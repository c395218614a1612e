package dev.portico.server.undertow;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportCapability;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Transport} over Undertow 2.4 (XNIO): HTTP/1.1, server-sent events and WebSocket.
 *
 * <p>Handler code runs on virtual threads and may block. Each call to {@link #start} creates its own
 * XNIO worker, listener and buffer pool, all released by {@link RunningTransport#stop}.
 *
 * <pre>{@code
 * RunningTransport running = new UndertowTransport().start(handler, TransportOptions.builder().port(0).build());
 * System.out.println("listening on " + running.address());
 * running.stop(Duration.ofSeconds(5));
 * }</pre>
 */
public final class UndertowTransport implements Transport {

    /** Creates the transport; it binds nothing until {@link #start} is called. */
    public UndertowTransport() {}

    /**
     * Binds {@code options.host():options.port()} and serves every request with {@code handler}.
     *
     * @param handler receives every request
     * @param options where to listen and the limits to honour
     * @return the running server, whose address carries the real port
     * @throws TransportException when the address cannot be bound, for example because the port is in use
     */
    @Override
    public RunningTransport start(GatewayHandler handler, TransportOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        return UndertowServer.start(handler, options);
    }

    /**
     * The transport's name.
     *
     * @return {@code undertow}
     */
    @Override
    public String name() {
        return "undertow";
    }

    /**
     * What this transport carries.
     *
     * @return HTTP, SSE and WebSocket
     */
    @Override
    public Set<TransportCapability> capabilities() {
        return EnumSet.allOf(TransportCapability.class);
    }

    @Override
    public String toString() {
        return "UndertowTransport";
    }
}
