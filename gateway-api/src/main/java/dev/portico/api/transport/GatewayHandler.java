package dev.portico.api.transport;

/**
 * What a transport calls for every request. The gateway core implements it; everything observable
 * (status codes, headers, error bodies, limits, SSE framing, WebSocket close codes) is decided here,
 * so every transport behaves the same.
 *
 * <p>Both methods are called on a virtual thread and may block. They do not throw for a client's
 * mistake; should one throw anyway, the transport answers {@link HttpResponse#internalError()}.
 */
public interface GatewayHandler {

    /**
     * Answers a plain or SSE request.
     *
     * @param request the request
     * @return the response to send
     */
    HttpResponse handle(HttpRequest request);

    /**
     * Decides a WebSocket upgrade request (a {@code GET} with {@code Upgrade: websocket} and a valid
     * handshake) before the handshake: authentication and origin checks happen here. A request
     * whose handshake is malformed goes to {@link #handle(HttpRequest)} instead, so the core
     * answers it.
     *
     * @param request the upgrade request
     * @return accept with a listener, or reject with a response to send instead
     */
    WebSocketDecision upgrade(HttpRequest request);
}
