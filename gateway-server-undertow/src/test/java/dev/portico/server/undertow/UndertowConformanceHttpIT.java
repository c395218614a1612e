package dev.portico.server.undertow;

import dev.portico.api.transport.Transport;
import dev.portico.tck.HttpConformance;

/** The conformance kit's Http tests on the Undertow transport. */
class UndertowConformanceHttpIT extends HttpConformance {
    @Override
    protected Transport transport() {
        return new UndertowTransport();
    }
}
