package dev.portico.examples.customtransport;

import dev.portico.api.transport.Transport;
import dev.portico.tck.LifecycleConformance;

class JdkLifecycleConformanceIT extends LifecycleConformance {
    @Override
    protected Transport transport() {
        return new JdkHttpServerTransport();
    }
}
