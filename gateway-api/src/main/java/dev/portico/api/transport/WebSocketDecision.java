package dev.portico.api.transport;

import java.util.Objects;

/**
 * The core's answer to a WebSocket upgrade request: accept it with a listener, or reject it with an
 * HTTP response that the transport sends instead of upgrading.
 */
public sealed interface WebSocketDecision {

    /**
     * Accepts the upgrade.
     *
     * @param listener receives the socket's events
     * @return the decision
     */
    static WebSocketDecision accept(WebSocketListener listener) {
        return new Accept(listener);
    }

    /**
     * Rejects the upgrade.
     *
     * @param response sent as a plain HTTP response
     * @return the decision
     */
    static WebSocketDecision reject(HttpResponse response) {
        return new Reject(response);
    }

    /**
     * The upgrade is accepted.
     *
     * @param listener receives the socket's events
     */
    record Accept(WebSocketListener listener) implements WebSocketDecision {
        /**
         * Validates the listener.
         *
         * @param listener receives the socket's events
         */
        public Accept {
            Objects.requireNonNull(listener, "listener");
        }
    }

    /**
     * The upgrade is refused.
     *
     * @param response sent as a plain HTTP response
     */
    record Reject(HttpResponse response) implements WebSocketDecision {
        /**
         * Validates the response.
         *
         * @param response sent as a plain HTTP response
         */
        public Reject {
            Objects.requireNonNull(response, "response");
        }
    }
}
