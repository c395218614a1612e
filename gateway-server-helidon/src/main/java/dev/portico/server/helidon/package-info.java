/**
 * The Portico transport on the Helidon SE 4 WebServer.
 *
 * <p>{@link dev.portico.server.helidon.HelidonTransport} is the only public type. Everything else
 * here adapts Helidon's HTTP/1.1 connection: one catch-all route to the core's handler, an
 * upgrader that asks the core before any WebSocket handshake, an RFC 6455 connection that reports
 * whole text messages, and connection tracking for SSE and for a graceful stop.
 */
package dev.portico.server.helidon;
