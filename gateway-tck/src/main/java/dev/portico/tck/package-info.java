/**
 * The Portico transport conformance kit: abstract JUnit 5 test classes that every
 * {@link dev.portico.api.transport.Transport} must pass. A transport module runs them by
 * subclassing each class and returning its transport:
 *
 * <pre>{@code
 * class JdkHttpIT extends HttpConformance {
 *     @Override
 *     protected Transport transport() {
 *         return new JdkHttpServerTransport();
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.portico.tck.HttpConformance}: status codes, headers and the JSON envelope arrive
 *       unchanged; bodies stream; the 413 for an announced oversized body arrives without the body;
 *       UTF-8 text round-trips; 200 concurrent requests.
 *   <li>{@link dev.portico.tck.SseConformance}: SSE headers and framing, events delivered as sent,
 *       client disconnects reaching the sink.
 *   <li>{@link dev.portico.tck.WebSocketConformance}: upgrade decided before the handshake, whole
 *       messages, the 1009 size limit, close codes both ways.
 *   <li>{@link dev.portico.tck.LifecycleConformance}: port 0, port in use, graceful stop.
 * </ul>
 *
 * <p>Classes whose capability the transport does not declare
 * ({@link dev.portico.api.transport.Transport#capabilities()}) are reported as skipped, never as
 * passed. Run them as integration tests ({@code *IT}): they bind real sockets on port 0.
 */
package dev.portico.tck;
