package dev.portico.server.helidon;

import dev.portico.api.transport.Transport;
import dev.portico.tck.LifecycleConformance;

/** The conformance kit's Lifecycle tests on the Helidon transport. */
class HelidonConformanceLifecycleIT extends LifecycleConformance {
    @Override
    protected Transport transport() {
        return new HelidonTransport();
    }
}
