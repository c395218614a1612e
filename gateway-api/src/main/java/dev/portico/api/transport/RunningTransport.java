package dev.portico.api.transport;

import java.net.InetSocketAddress;
import java.time.Duration;

/** A started {@link Transport}. */
public interface RunningTransport extends AutoCloseable {

    /**
     * The bound address, with the real port when the options asked for port 0.
     *
     * @return the bound address
     */
    InetSocketAddress address();

    /**
     * The bound port.
     *
     * @return the real port
     */
    default int port() {
        return address().getPort();
    }

    /**
     * Stops gracefully: stops accepting connections at once, lets in-flight requests finish within
     * {@code drain}, closes open WebSockets with 1001, then releases everything. Calling it again
     * does nothing.
     *
     * @param drain how long to wait for in-flight requests
     */
    void stop(Duration drain);

    /** Stops with no drain time. */
    @Override
    default void close() {
        stop(Duration.ZERO);
    }
}
