package dev.portico.examples.customtransport;

import dev.portico.api.transport.Transport;
import dev.portico.tck.HttpConformance;

class JdkHttpConformanceIT extends HttpConformance {
    @Override
    protected Transport transport() {
        return new JdkHttpServerTransport();
    }
}
