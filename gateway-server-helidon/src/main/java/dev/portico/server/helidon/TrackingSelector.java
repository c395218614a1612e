package dev.portico.server.helidon;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Set;

/**
 * The listener's only connection selector: Helidon's HTTP/1.1 selector (configured with the
 * adapter's WebSocket upgrader), with every connection wrapped in a {@link TrackedConnection}.
 */
final class TrackingSelector implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;
    private final ServerState state;

    TrackingSelector(ServerConnectionSelector http1, ServerState state) {
        this.http1 = http1;
        this.state = state;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new TrackedConnection(http1.connection(ctx), ctx, state);
    }
}
