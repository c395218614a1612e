package dev.portico.server.undertow;

import dev.portico.api.transport.Transport;
import dev.portico.tck.SseConformance;

/** The conformance kit's Sse tests on the Undertow transport. */
class UndertowConformanceSseIT extends SseConformance {
    @Override
    protected Transport transport() {
        return new UndertowTransport();
    }
}
