/**
 * The Undertow adapter of the Portico transport SPI.
 *
 * <p>{@link dev.portico.server.undertow.UndertowTransport} binds an Undertow (XNIO) HTTP listener and
 * translates its exchanges to and from a {@link dev.portico.api.transport.GatewayHandler}: every
 * request runs on a virtual thread, request bodies are streamed, SSE frames are flushed one by one,
 * and WebSocket upgrades on any path are decided by the handler before the handshake. Nothing
 * observable is decided here; the gateway core answers everything.
 */
package dev.portico.server.undertow;
