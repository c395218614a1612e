package dev.portico.examples.customtransport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsExchange;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseProducer;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportCapability;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.TransportSseSink;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Portico transport on the JDK's built-in {@code com.sun.net.httpserver.HttpServer}: no
 * dependency beyond the JDK, HTTP and server-sent events, no WebSocket (the JDK server cannot
 * upgrade a connection).
 *
 * <pre>{@code
 * RunningGateway running = Gateway.builder().token(token).build()
 *         .start(new JdkHttpServerTransport(), TransportOptions.ofDefaults());
 * }</pre>
 *
 * <p>Like every transport it only translates: each exchange becomes an {@link HttpRequest} whose
 * body streams from the socket, the gateway's {@link HttpResponse} is sent as it is, and SSE
 * streams go out chunked and flushed event by event. Every exchange runs on a virtual thread.
 *
 * <p>Limits the JDK server configures only per JVM, through {@code sun.net.httpserver.*} system
 * properties, are left to those properties: {@link TransportOptions#maxHeaderBytes()}
 * ({@code sun.net.httpserver.maxReqHeaderSize}) and {@link TransportOptions#idleTimeout()}
 * ({@code sun.net.httpserver.idleInterval}).
 */
public final class JdkHttpServerTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(JdkHttpServerTransport.class.getName());
    /** Pending connections the kernel queues before the server accepts them. */
    private static final int BACKLOG = 1024;
    /** How long stop waits for handler threads that outlived the drain before interrupting them. */
    private static final Duration HANDLER_GRACE = Duration.ofSeconds(1);

    /** Creates the transport; each {@link #start} binds a new server. */
    public JdkHttpServerTransport() {}

    @Override
    public RunningTransport start(GatewayHandler handler, TransportOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        String where = options.host() + ":" + options.port();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), BACKLOG);
        } catch (BindException e) {
            throw new TransportException(where + ": address already in use", e);
        } catch (IOException e) {
            throw new TransportException(where + ": cannot listen (" + e.getMessage() + ")", e);
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("portico-jdk-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", new Exchanges(handler));
        server.start();
        return new Running(server, executor, server.getAddress());
    }

    @Override
    public String name() {
        return "jdk";
    }

    /** HTTP and SSE; the JDK server has no WebSocket support. */
    @Override
    public Set<TransportCapability> capabilities() {
        return EnumSet.of(TransportCapability.HTTP, TransportCapability.SSE);
    }

    /** Translates each exchange to the gateway and back. */
    private static final class Exchanges implements HttpHandler {
        private final GatewayHandler handler;

        Exchanges(GatewayHandler handler) {
            this.handler = handler;
        }

        @Override
        public void handle(HttpExchange exchange) {
            try {
                HttpRequest request = request(exchange);
                HttpResponse response;
                try {
                    response = handler.handle(request);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, request.method() + " " + request.path() + " failed", e);
                    response = HttpResponse.internalError();
                }
                send(exchange, request, response);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "the client went away during the response", e);
            } finally {
                exchange.close();
            }
        }

        private static HttpRequest request(HttpExchange exchange) {
            Headers.Builder headers = Headers.builder();
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                for (String value : h.getValue()) {
                    headers.add(h.getKey(), value);
                }
            }
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            return HttpRequest.of(
                    exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                    path == null || path.isEmpty() ? "/" : path,
                    query == null ? "" : query,
                    headers.build(),
                    exchange.getRemoteAddress(),
                    exchange instanceof HttpsExchange,
                    new UndrainedBody(exchange.getRequestBody()));
        }

        private static void send(HttpExchange exchange, HttpRequest request, HttpResponse response) throws IOException {
            com.sun.net.httpserver.Headers out = exchange.getResponseHeaders();
            response.headers().forEach((name, value) -> {
                // The server frames the body itself (Content-Length or chunked).
                if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                    out.add(name, value);
                }
            });
            switch (response.body()) {
                case ResponseBody.Bytes bytes -> sendBytes(exchange, request, response, bytes.bytes());
                case ResponseBody.Stream stream -> sendStream(exchange, response.status(), stream.producer());
            }
        }

        private static void sendBytes(HttpExchange exchange, HttpRequest request, HttpResponse response, byte[] bytes)
                throws IOException {
            int status = response.status();
            boolean bodyless = bytes.length == 0 || status < 200 || status == 204 || status == 304
                    || request.method().equals("HEAD");
            // -1 tells the JDK server "no body"; 0 would mean chunked.
            exchange.sendResponseHeaders(status, bodyless ? -1 : bytes.length);
            if (bodyless) {
                return;
            }
            OutputStream body = exchange.getResponseBody();
            body.write(bytes);
            body.flush();
            if (response.closeConnection()) {
                closeWithoutDraining(body);
            } else {
                body.close();
            }
        }

        /**
         * Ends a response whose request body the gateway chose not to read (a 413 for an announced
         * oversized body). The response is already flushed. Closing the JDK server's response stream
         * first drains the unread request body, which would wait for bytes the client may never
         * send; with the thread's interrupt flag set, that drain's blocking socket read closes the
         * connection at once instead (an interruptible channel), which is what
         * {@code Connection: close} asks for anyway.
         */
        private static void closeWithoutDraining(OutputStream body) {
            boolean wasInterrupted = Thread.interrupted();
            Thread.currentThread().interrupt();
            try {
                body.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "connection closed after a Connection: close response", e);
            } finally {
                Thread.interrupted();
                if (wasInterrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static void sendStream(HttpExchange exchange, int status, SseProducer producer) throws IOException {
            // 0 tells the JDK server to send the body chunked, so each event can be flushed alone.
            exchange.sendResponseHeaders(status, 0);
            OutputStream body = exchange.getResponseBody();
            body.flush();
            TransportSseSink sink = SseSink.over(new SseOutput() {
                @Override
                public void writeAndFlush(byte[] bytes) throws IOException {
                    body.write(bytes);
                    body.flush();
                }

                @Override
                public void close() {
                    try {
                        body.close();
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, "the SSE client left before the stream ended", e);
                    }
                }
            });
            try {
                producer.produce(sink);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "an SSE producer failed", e);
            } finally {
                sink.close();
            }
        }
    }

    /**
     * The request body. Closing it does not close the exchange's stream: the JDK server's close
     * reads the rest of the body, which the gateway may have refused on purpose.
     */
    private static final class UndrainedBody extends FilterInputStream {
        private boolean closed;

        UndrainedBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            ensureOpen();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            return super.read(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("request body: stream closed");
            }
        }
    }

    /** A started server. */
    private static final class Running implements RunningTransport {
        private final HttpServer server;
        private final ExecutorService executor;
        private final InetSocketAddress address;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Running(HttpServer server, ExecutorService executor, InetSocketAddress address) {
            this.server = server;
            this.executor = executor;
            this.address = address;
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        /**
         * {@code HttpServer.stop} closes the listening socket first (new connections are refused),
         * waits up to the delay for the exchanges in progress, then closes every connection. Its
         * delay is in whole seconds, so the drain is rounded up.
         */
        @Override
        public void stop(Duration drain) {
            Objects.requireNonNull(drain, "drain");
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            long millis = Math.max(0, drain.toMillis());
            int seconds = (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
            server.stop(seconds);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(HANDLER_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
