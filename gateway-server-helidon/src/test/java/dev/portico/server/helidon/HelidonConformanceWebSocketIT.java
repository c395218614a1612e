package dev.portico.server.helidon;

import dev.portico.api.transport.Transport;
import dev.portico.tck.WebSocketConformance;

/** The conformance kit's WebSocket tests on the Helidon transport. */
class HelidonConformanceWebSocketIT extends WebSocketConformance {
    @Override
    protected Transport transport() {
        return new HelidonTransport();
    }
}
