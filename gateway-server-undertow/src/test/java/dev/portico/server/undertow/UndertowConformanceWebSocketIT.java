package dev.portico.server.undertow;

import dev.portico.api.transport.Transport;
import dev.portico.tck.WebSocketConformance;

/** The conformance kit's WebSocket tests on the Undertow transport. */
class UndertowConformanceWebSocketIT extends WebSocketConformance {
    @Override
    protected Transport transport() {
        return new UndertowTransport();
    }
}
