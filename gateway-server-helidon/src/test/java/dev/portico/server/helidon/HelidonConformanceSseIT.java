package dev.portico.server.helidon;

import dev.portico.api.transport.Transport;
import dev.portico.tck.SseConformance;

/** The conformance kit's Sse tests on the Helidon transport. */
class HelidonConformanceSseIT extends SseConformance {
    @Override
    protected Transport transport() {
        return new HelidonTransport();
    }
}
