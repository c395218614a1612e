package dev.portico.server.undertow;

import dev.portico.api.transport.Transport;
import dev.portico.tck.LifecycleConformance;

/** The conformance kit's Lifecycle tests on the Undertow transport. */
class UndertowConformanceLifecycleIT extends LifecycleConformance {
    @Override
    protected Transport transport() {
        return new UndertowTransport();
    }
}
