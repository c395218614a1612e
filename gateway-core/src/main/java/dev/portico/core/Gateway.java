package dev.portico.core;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import java.util.List;
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
     * Applies new settings while the gateway runs, without dropping a connection: the credentials
     * (a token or password rotated stops working at once), {@code ?token=} on streams, the browser
     * origins, the trusted proxies, the failed authentication lockout, the request rate limits, the
     * agent and the channels. A channel passed again as the same instance keeps running; one that
     * is new or another instance starts, after the one it replaces has stopped; one left out stops.
     * The other settings take effect at the next start; those that differ are returned. Publishes
     * {@code config.changed}.
     *
     * @param next a builder with the whole new configuration
     * @return the settings that differ and wait for a restart, such as {@code maxBodyBytes}
     * @throws IllegalArgumentException naming an invalid setting; then nothing was changed
     */
    List<String> reconfigure(GatewayBuilder next);

    /**
     * The gateway version, as {@code GET /health} reports it.
     *
     * @return the version
     */
    String version();
}
