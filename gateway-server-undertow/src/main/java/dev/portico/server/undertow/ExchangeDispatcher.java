package dev.portico.server.undertow;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Undertow's root handler. On the I/O thread it only counts the request and hands the exchange to
 * a virtual thread; there it builds the {@link HttpRequest}, asks the {@link GatewayHandler} and
 * sends the answer, or runs the WebSocket upgrade.
 */
final class ExchangeDispatcher implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(ExchangeDispatcher.class.getName());

    private final GatewayHandler handler;
    private final Executor executor;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final WebSocketRegistry sockets;
    private final WebSocketUpgrade upgrade;
    private volatile boolean stopping;

    ExchangeDispatcher(GatewayHandler handler, TransportOptions options, Executor executor) {
        this.handler = handler;
        this.executor = executor;
        this.sockets = new WebSocketRegistry();
        this.upgrade = new WebSocketUpgrade(options, sockets);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (stopping && !isWebSocketUpgrade(exchange)) {
            // Finish what is in flight, but let every connection close after its current response.
            // (An upgrade that the core accepts during the drain is closed with 1001 once open.)
            exchange.setPersistent(false);
        }
        inFlight.begin();
        try {
            exchange.dispatch(executor, () -> serve(exchange));
        } catch (RuntimeException e) {
            inFlight.end();
            throw e;
        }
    }

    /** Runs on the request's virtual thread. */
    private void serve(HttpServerExchange exchange) {
        try {
            if (isWebSocketUpgrade(exchange) && upgrade.matches(exchange)) {
                upgrade(exchange);
            } else {
                serveHttp(exchange);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Undertow exchange failed: " + exchange.getRequestMethod() + " " + exchange.getRequestURI(), e);
            if (!exchange.isResponseStarted()) {
                // Otherwise Undertow would end the exchange with an empty 200.
                ResponseSender.send(exchange, HttpResponse.internalError());
            }
        } finally {
            // A dispatched Runnable owns the exchange's end; this is a no-op when the response and
            // the request are already complete, and otherwise lets Undertow finish (or drain) them.
            exchange.endExchange();
            inFlight.end();
        }
    }

    private void serveHttp(HttpServerExchange exchange) {
        HttpRequest request = UndertowRequest.of(exchange, new RequestBodyStream(exchange.getRequestChannel()));
        HttpResponse response;
        try {
            response = handler.handle(request);
            if (response == null) {
                throw new NullPointerException("GatewayHandler.handle returned null for " + request.method() + " " + request.path());
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "GatewayHandler failed on " + request.method() + " " + request.path() + "; answering 500", e);
            response = HttpResponse.internalError();
        }
        ResponseSender.send(exchange, response);
    }

    private void upgrade(HttpServerExchange exchange) {
        HttpRequest request = UndertowRequest.of(exchange, InputStream.nullInputStream());
        WebSocketDecision decision;
        try {
            decision = handler.upgrade(request);
            if (decision == null) {
                throw new NullPointerException("GatewayHandler.upgrade returned null for " + request.path());
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "GatewayHandler.upgrade failed on " + request.path() + "; answering 500", e);
            decision = WebSocketDecision.reject(HttpResponse.internalError());
        }
        switch (decision) {
            case WebSocketDecision.Reject reject -> ResponseSender.send(exchange, reject.response());
            case WebSocketDecision.Accept accept -> upgrade.accept(exchange, request, accept.listener());
        }
    }

    /**
     * Whether the request asks for a WebSocket: a {@code GET} whose {@code Upgrade} header lists
     * {@code websocket}.
     */
    static boolean isWebSocketUpgrade(HttpServerExchange exchange) {
        if (!Methods.GET.equals(exchange.getRequestMethod())) {
            return false;
        }
        HeaderValues upgrade = exchange.getRequestHeaders().get(Headers.UPGRADE);
        if (upgrade == null) {
            return false;
        }
        for (String value : upgrade) {
            for (String token : value.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** From now on connections close after their current response. */
    void beginStopping() {
        stopping = true;
        sockets.stopping();
    }

    InFlightRequests inFlight() {
        return inFlight;
    }

    WebSocketRegistry sockets() {
        return sockets;
    }
}
