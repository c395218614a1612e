package dev.portico.api.transport;

import java.util.EnumSet;
import java.util.Set;

/**
 * A server adapter: binds a socket and translates its server's requests to and from a
 * {@link GatewayHandler}. Implementations are thin: they decide nothing observable.
 *
 * <pre>{@code
 * RunningTransport running = new HelidonTransport().start(gateway.handler(), TransportOptions.ofDefaults());
 * System.out.println(running.port());
 * running.stop(Duration.ofSeconds(5));
 * }</pre>
 */
public interface Transport {

    /**
     * Binds and starts serving.
     *
     * @param handler receives every request
     * @param options where to listen and the limits to honour
     * @return the running server
     * @throws TransportException when the server cannot start, for example because the port is in use
     */
    RunningTransport start(GatewayHandler handler, TransportOptions options);

    /**
     * A short name for logs and status, such as {@code helidon}.
     *
     * @return the name
     */
    String name();

    /**
     * What this transport can carry. All of HTTP, SSE and WebSocket by default.
     *
     * @return the capabilities
     */
    default Set<TransportCapability> capabilities() {
        return EnumSet.allOf(TransportCapability.class);
    }
}
