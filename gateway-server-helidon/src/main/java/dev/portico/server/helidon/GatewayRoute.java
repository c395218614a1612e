package dev.portico.server.helidon;

import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseProducer;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.TransportSseSink;
import dev.portico.api.transport.WebSocketDecision;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DateTime;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * The one route of the server: every method and path goes to the core's handler, and its answer
 * goes back out unchanged.
 *
 * <p>Byte bodies go through Helidon's response (it adds {@code Content-Length} and {@code Date}).
 * An event stream is written straight to the socket with chunked framing: Helidon's response
 * stream keeps the headers back until the first body byte, and the client must see the headers
 * at once. The connection closes after a stream, and after any response that says
 * {@code Connection: close}, without reading what is left of the request body.
 */
final class GatewayRoute implements Handler {
    private static final System.Logger LOG = System.getLogger(GatewayRoute.class.getName());
    private static final byte[] CRLF = {'\r', '\n'};

    private final ServerState state;

    GatewayRoute(ServerState state) {
        this.state = state;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        TrackedConnection connection = TrackedConnection.current()
                .orElseThrow(() -> new IllegalStateException("request routed outside a tracked connection"));
        HttpResponse deferred = connection.takeDeferredResponse(req.prologue()).orElse(null);
        HttpRequest request = ServerHttpRequest.of(req);
        HttpResponse response;
        if (deferred != null) {
            response = deferred;
        } else if (WebSocketUpgrade.isUpgradeRequest(request)) {
            response = upgradeNotPossible(request);
        } else {
            response = handle(request);
        }
        switch (response.body()) {
            case ResponseBody.Bytes bytes -> {
                sendBytes(res, response, bytes.bytes(), isHead(request));
                if (response.closeConnection()) {
                    throw new CloseConnectionException("the response asked to close the connection");
                }
            }
            case ResponseBody.Stream stream -> {
                stream(connection.context(), req, response, stream.producer(), isHead(request));
                throw new CloseConnectionException("event stream ended");
            }
        }
    }

    private HttpResponse handle(HttpRequest request) {
        try {
            HttpResponse response = state.handler().handle(request);
            if (response == null) {
                throw new NullPointerException("GatewayHandler.handle returned null");
            }
            return response;
        } catch (RuntimeException | Error e) {
            rethrowFatal(e);
            LOG.log(Level.WARNING, "GatewayHandler failed on " + request.method() + " " + request.path(), e);
            return HttpResponse.internalError();
        }
    }

    /**
     * A WebSocket upgrade request that Helidon did not hand to the upgrader, or that the upgrader
     * could not complete (no key, wrong version, not HTTP/1.1, a body, an unusual spelling of the
     * Upgrade header). The core still decides first; an accepted upgrade that cannot be completed
     * gets the plain protocol answer.
     */
    private HttpResponse upgradeNotPossible(HttpRequest request) {
        WebSocketDecision decision;
        try {
            decision = state.handler().upgrade(request);
        } catch (RuntimeException | Error e) {
            rethrowFatal(e);
            LOG.log(Level.WARNING, "GatewayHandler failed on upgrade " + request.method() + " " + request.path(), e);
            return HttpResponse.internalError();
        }
        if (decision instanceof WebSocketDecision.Reject reject) {
            return reject.response();
        }
        return WebSocketUpgrade.handshakeFailure(request);
    }

    private static boolean isHead(HttpRequest request) {
        return "HEAD".equals(request.method());
    }

    /** Sends a byte body; a HEAD response keeps the body's Content-Length but not the body. */
    private static void sendBytes(ServerResponse res, HttpResponse response, byte[] body, boolean head) {
        res.status(Status.create(response.status()));
        for (String name : response.headers().names()) {
            res.header(HeaderValues.create(name, response.headers().all(name)));
        }
        if (head && !response.headers().contains("Content-Length")) {
            res.header(HeaderValues.create("Content-Length", body.length));
        }
        try {
            res.send(head ? new byte[0] : body);
        } catch (UncheckedIOException clientGone) {
            // Helidon would log a failed write as a routing error; a closed connection is all it is.
            throw new CloseConnectionException("the response could not be written", clientGone);
        }
    }

    /**
     * Sends the head at once, then runs the producer on this thread. A HEAD request gets the head
     * only: the producer still runs, on a sink that is already closed.
     */
    private static void stream(ConnectionContext ctx, ServerRequest req, HttpResponse response, SseProducer producer,
            boolean headOnly) {
        ChunkedSseOutput output = new ChunkedSseOutput(ctx.dataWriter());
        TransportSseSink sink = SseSink.over(output);
        try {
            ctx.dataWriter().writeNow(head(response));
            if (headOnly) {
                sink.transportClosed();
            } else if (req.content().consumed()) {
                watchForDisconnect(ctx, sink);
            }
        } catch (RuntimeException clientGone) {
            sink.transportClosed();
        }
        try {
            producer.produce(sink);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "event stream producer ended with a failure", e);
        } finally {
            sink.close();
        }
    }

    private static BufferData head(HttpResponse response) {
        Status status = Status.create(response.status());
        String reason = status.reasonPhrase() == null || status.reasonPhrase().isEmpty()
                ? status.codeText() : status.reasonPhrase();
        BufferData head = BufferData.growing(512);
        head.write(("HTTP/1.1 " + status.code() + " " + reason).getBytes(StandardCharsets.US_ASCII));
        head.write(CRLF);
        dev.portico.api.transport.Headers headers = response.headers();
        if (!headers.contains("Date")) {
            head.write("Date: ".getBytes(StandardCharsets.US_ASCII));
            head.write(DateTime.http1Bytes());
        }
        for (String name : headers.names()) {
            HeaderValues.create(name, headers.all(name)).writeHttp1Header(head);
        }
        if (!headers.contains("Transfer-Encoding")) {
            HeaderValues.TRANSFER_ENCODING_CHUNKED.writeHttp1Header(head);
        }
        if (!headers.contains("Connection")) {
            // The connection closes after the stream, so say so rather than let a client reuse it.
            HeaderValues.CONNECTION_CLOSE.writeHttp1Header(head);
        }
        head.write(CRLF);
        return head;
    }

    /**
     * Notices a client that leaves while the producer is quiet: with the request body read, the
     * only thing left to read from the socket is its end. (A failed write notices it too, but only
     * on the next event.)
     */
    private static void watchForDisconnect(ConnectionContext ctx, TransportSseSink sink) {
        DataReader reader = ctx.dataReader();
        Thread.ofVirtual().name("portico-sse-watch").start(() -> {
            try {
                while (sink.isOpen()) {
                    reader.ensureAvailable();
                    reader.skip(reader.available());
                }
            } catch (RuntimeException endOfStream) {
                sink.transportClosed();
            }
        });
    }

    /** Handler failures become the 500 envelope; only a broken VM is not the handler's failure. */
    static void rethrowFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
    }
}
