package dev.portico.server.helidon;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.TransportOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the pieces of one running server share: the core's handler, the options, and the live
 * connections and WebSockets that a stop has to drain or close.
 */
final class ServerState {
    private final GatewayHandler handler;
    private final TransportOptions options;
    private final Set<TrackedConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<WebSocketConnection> webSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    ServerState(GatewayHandler handler, TransportOptions options) {
        this.handler = handler;
        this.options = options;
    }

    GatewayHandler handler() {
        return handler;
    }

    TransportOptions options() {
        return options;
    }

    /** Every HTTP/1.1 connection whose handling has started and not yet ended, upgraded ones included. */
    Set<TrackedConnection> connections() {
        return connections;
    }

    /** Every WebSocket between its handshake and the end of its connection. */
    Set<WebSocketConnection> webSockets() {
        return webSockets;
    }

    boolean stopping() {
        return stopping;
    }

    void markStopping() {
        stopping = true;
    }
}
