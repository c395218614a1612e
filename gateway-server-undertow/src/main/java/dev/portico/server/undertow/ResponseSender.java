package dev.portico.server.undertow;

import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.TransportSseSink;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes an {@link HttpResponse} to an exchange, on the request's virtual thread: exactly the
 * response's status and headers, then a byte body with {@code Content-Length} or an SSE stream
 * flushed frame by frame.
 */
final class ResponseSender {
    private static final System.Logger LOG = System.getLogger(ResponseSender.class.getName());

    private ResponseSender() {}

    /**
     * Sends the response on the calling (virtual) thread, which parks while the connection cannot
     * take more bytes. A client that went away is not an error: the write fails, Undertow closes
     * the connection, and nothing more happens.
     *
     * @param exchange the exchange
     * @param response the core's response
     */
    static void send(HttpServerExchange exchange, HttpResponse response) {
        if (exchange.isResponseStarted() || !exchange.getConnection().isOpen()) {
            // The connection was closed meanwhile (a stop that outlasted its drain, or the client left).
            LOG.log(Level.DEBUG, "No response sent for {0} {1}: the connection is gone",
                    exchange.getRequestMethod(), exchange.getRequestURI());
            return;
        }
        exchange.setStatusCode(response.status());
        HeaderMap headers = exchange.getResponseHeaders();
        response.headers().forEach((name, value) -> headers.add(HttpString.tryFromString(name), value));
        if (response.closeConnection()) {
            // The core did not read the body (a 413, say): the rest of it is never read. Marking the
            // request as ended keeps Undertow from draining it; the connection closes after the response.
            exchange.setPersistent(false);
            Connectors.terminateRequest(exchange);
        }
        switch (response.body()) {
            case ResponseBody.Bytes bytes -> sendBytes(exchange, headers, bytes.bytes());
            case ResponseBody.Stream stream -> sendStream(exchange, headers, stream);
        }
    }

    private static void sendBytes(HttpServerExchange exchange, HeaderMap headers, byte[] body) {
        headers.remove(Headers.TRANSFER_ENCODING);
        headers.put(Headers.CONTENT_LENGTH, body.length);
        try (OutputStream out = new ResponseBodyStream(exchange.getResponseChannel())) {
            out.write(body);
        } catch (IOException gone) {
            LOG.log(Level.DEBUG, "Client left before the response was written: {0}", gone.toString());
        }
    }

    private static void sendStream(HttpServerExchange exchange, HeaderMap headers, ResponseBody.Stream stream) {
        headers.remove(Headers.CONTENT_LENGTH);
        OutputStream out = new ResponseBodyStream(exchange.getResponseChannel());
        TransportSseSink sink = SseSink.over(new ExchangeSseOutput(out));
        AtomicReference<TransportSseSink> watched = new AtomicReference<>(sink);
        // Undertow keeps close listeners for the connection's life; the reference is cleared when
        // the stream ends so a keep-alive connection does not hold finished sinks.
        exchange.getConnection().addCloseListener(connection -> {
            TransportSseSink open = watched.getAndSet(null);
            if (open != null) {
                // Never block an I/O thread on the sink's lock, which a blocked write may hold.
                Thread.ofVirtual().name("portico-undertow-sse-closed").start(open::transportClosed);
            }
        });
        try {
            out.flush();
        } catch (IOException gone) {
            LOG.log(Level.DEBUG, "Client left before the SSE headers were written: {0}", gone.toString());
            sink.transportClosed();
        }
        try {
            stream.producer().produce(sink);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "SSE producer failed; ending the stream", e);
        } finally {
            watched.set(null);
            sink.close();
        }
    }
}
