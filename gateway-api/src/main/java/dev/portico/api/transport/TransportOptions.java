package dev.portico.api.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a transport listens and the limits every transport must honour.
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.builder().port(0).build(); // any free port
 * }</pre>
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port, 0 for any free port; 18790 by default
 * @param maxBodyBytes the largest request body any route accepts (the core answers 413 past each
 *     route's own limit); transports stream bodies and never buffer more than this
 * @param maxHeaderBytes the largest request head (request line and headers) accepted
 * @param idleTimeout how long a keep-alive connection with no request in progress is kept open;
 *     zero means no timeout. It never cuts a request in progress (a long agent run, a quiet SSE
 *     stream) nor a WebSocket
 * @param maxWebSocketFrameBytes the largest WebSocket message accepted; larger ones close the
 *     socket with 1009
 * @param maxQueuedOutboundBytes the bound on bytes queued for one slow WebSocket peer; past it the
 *     socket is closed with 1008
 * @param drainTimeout how long a graceful stop waits for in-flight requests
 */
public record TransportOptions(
        String host,
        int port,
        long maxBodyBytes,
        int maxHeaderBytes,
        Duration idleTimeout,
        int maxWebSocketFrameBytes,
        long maxQueuedOutboundBytes,
        Duration drainTimeout) {

    /** The default port, as the seed gateways use it. */
    public static final int DEFAULT_PORT = 18790;

    /**
     * Validates every field, with messages that name the field, the value and the expectation.
     *
     * @param host the address to bind
     * @param port the port
     * @param maxBodyBytes the largest body
     * @param maxHeaderBytes the largest request head
     * @param idleTimeout the idle timeout
     * @param maxWebSocketFrameBytes the largest WebSocket message
     * @param maxQueuedOutboundBytes the outbound queue bound per socket
     * @param drainTimeout the drain timeout
     */
    public TransportOptions {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxWebSocketFrameBytes", maxWebSocketFrameBytes);
        positive("maxQueuedOutboundBytes", maxQueuedOutboundBytes);
        nonNegative("idleTimeout", idleTimeout);
        nonNegative("drainTimeout", drainTimeout);
    }

    /**
     * The defaults: 127.0.0.1:18790, 1 MiB bodies, 16 KiB heads, 60 s idle, 1 MiB WebSocket
     * messages, 1 MiB outbound queue, 5 s drain.
     *
     * @return the default options
     */
    public static TransportOptions ofDefaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).maxBodyBytes(maxBodyBytes).maxHeaderBytes(maxHeaderBytes)
                .idleTimeout(idleTimeout).maxWebSocketFrameBytes(maxWebSocketFrameBytes)
                .maxQueuedOutboundBytes(maxQueuedOutboundBytes).drainTimeout(drainTimeout);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }

    /** Builds {@link TransportOptions}; {@link #build()} validates. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private long maxBodyBytes = 1024 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxWebSocketFrameBytes = 1024 * 1024;
        private long maxQueuedOutboundBytes = 1024 * 1024;
        private Duration drainTimeout = Duration.ofSeconds(5);

        private Builder() {}

        /**
         * Sets the bind address.
         *
         * @param host a host name or IP address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the port; 0 binds any free port.
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the largest request body any route accepts.
         *
         * @param maxBodyBytes bytes, &gt; 0
         * @return this builder
         */
        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Sets the largest request head.
         *
         * @param maxHeaderBytes bytes, &gt; 0
         * @return this builder
         */
        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        /**
         * Sets the idle timeout of keep-alive connections.
         *
         * @param idleTimeout a non-negative duration
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets the largest WebSocket message.
         *
         * @param maxWebSocketFrameBytes bytes, &gt; 0
         * @return this builder
         */
        public Builder maxWebSocketFrameBytes(int maxWebSocketFrameBytes) {
            this.maxWebSocketFrameBytes = maxWebSocketFrameBytes;
            return this;
        }

        /**
         * Sets the outbound queue bound per WebSocket.
         *
         * @param maxQueuedOutboundBytes bytes, &gt; 0
         * @return this builder
         */
        public Builder maxQueuedOutboundBytes(long maxQueuedOutboundBytes) {
            this.maxQueuedOutboundBytes = maxQueuedOutboundBytes;
            return this;
        }

        /**
         * Sets how long a graceful stop waits for in-flight requests.
         *
         * @param drainTimeout a non-negative duration
         * @return this builder
         */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first invalid field
         */
        public TransportOptions build() {
            return new TransportOptions(host, port, maxBodyBytes, maxHeaderBytes, idleTimeout,
                    maxWebSocketFrameBytes, maxQueuedOutboundBytes, drainTimeout);
        }
    }
}
