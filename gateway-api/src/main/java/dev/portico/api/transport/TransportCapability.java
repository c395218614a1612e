package dev.portico.api.transport;

/** What a {@link Transport} can carry; the conformance kit skips the tests of what it cannot. */
public enum TransportCapability {
    /** Plain HTTP requests and responses. */
    HTTP,
    /** Server-sent event streams. */
    SSE,
    /** WebSocket upgrades. */
    WEBSOCKET
}
