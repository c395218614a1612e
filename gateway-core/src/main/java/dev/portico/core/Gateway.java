package dev.portico.core;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import java.util.Optional;

/**
 * The Portico gateway: the routes of the Portico API over any {@link Transport}.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder().token(System.getenv("PORTICO_GATEWAY_TOKEN")).build();
 * RunningGateway running = gateway.start(new HelidonTransport(), TransportOptions.ofDefaults());
 * }</pre>
 *
 * <p>Defaults: the {@link EchoAgent}, an {@link InMemorySessionStore}, token authentication (with a
 * generated token when none is given) and the system clock.
 */
public interface Gateway {

    /**
     * A builder with every default.
     *
     * @return a new builder
     */
    static GatewayBuilder builder() {
        return new GatewayBuilder();
    }

    /**
     * The handler transports call: what the gateway answers, independent of any server library.
     *
     * @return the handler
     */
    GatewayHandler handler();

    /**
     * Starts serving on a transport.
     *
     * @param transport the server adapter
     * @param options where to listen and the transport limits
     * @return the running gateway
     * @throws dev.portico.api.transport.TransportException when the transport cannot start
     */
    RunningGateway start(Transport transport, TransportOptions options);

    /**
     * The token the gateway generated because neither a token nor an authenticator was given.
     *
     * @return the generated token, or empty when authentication was configured
     */
    Optional<String> generatedToken();

    /**
     * The gateway version, as {@code GET /health} reports it.
     *
     * @return the version
     */
    String version();
}
