package dev.portico.server.helidon;

import dev.portico.api.transport.Transport;
import dev.portico.tck.HttpConformance;

/** The conformance kit's Http tests on the Helidon transport. */
class HelidonConformanceHttpIT extends HttpConformance {
    @Override
    protected Transport transport() {
        return new HelidonTransport();
    }
}
