package dev.portico.examples.customtransport;

import dev.portico.api.transport.Transport;
import dev.portico.tck.WebSocketConformance;

/** The JDK server cannot upgrade, so every test here is reported as skipped, not passed. */
class JdkWebSocketConformanceIT extends WebSocketConformance {
    @Override
    protected Transport transport() {
        return new JdkHttpServerTransport();
    }
}
