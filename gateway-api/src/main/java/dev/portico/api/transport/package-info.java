/**
 * The transport SPI: the seam between the gateway core and a server library. A {@link
 * dev.portico.api.transport.Transport} binds a socket and hands each request to a {@link
 * dev.portico.api.transport.GatewayHandler}; the core answers with an {@link
 * dev.portico.api.transport.HttpResponse} (bytes or an SSE stream) or a {@link
 * dev.portico.api.transport.WebSocketDecision}.
 *
 * <p>{@link dev.portico.api.transport.TransportSseSink} and {@link
 * dev.portico.api.transport.TransportWebSocket} hold the SSE framing and the WebSocket queueing that
 * must be identical everywhere, so an adapter only translates bytes.
 */
package dev.portico.api.transport;
