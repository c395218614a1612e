package dev.portico.core;

import java.net.InetSocketAddress;
import java.time.Duration;

/** A gateway serving on a transport. */
public interface RunningGateway extends AutoCloseable {

    /**
     * The bound address, with the real port when port 0 was asked for.
     *
     * @return the address
     */
    InetSocketAddress address();

    /**
     * The bound port.
     *
     * @return the port
     */
    default int port() {
        return address().getPort();
    }

    /**
     * The transport's name, such as {@code helidon}.
     *
     * @return the name
     */
    String transportName();

    /**
     * Stops gracefully: {@code /ready} turns 503, the transport stops accepting connections and
     * in-flight requests get up to {@code drain} to finish; open WebSockets close with 1001; running
     * agent runs are cancelled.
     *
     * @param drain how long in-flight requests may take
     */
    void stop(Duration drain);

    /** Stops with the transport options' drain timeout. */
    @Override
    void close();
}
