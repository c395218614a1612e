package dev.portico.examples.customtransport;

import dev.portico.api.transport.Transport;
import dev.portico.tck.SseConformance;

class JdkSseConformanceIT extends SseConformance {
    @Override
    protected Transport transport() {
        return new JdkHttpServerTransport();
    }
}
