package dev.portico.api.transport;

import java.net.InetSocketAddress;

/**
 * One accepted WebSocket, as the core sees it. Sending goes through a bounded outbound queue: a
 * peer that reads too slowly is disconnected with {@link WebSocketCloseCodes#POLICY_VIOLATION}
 * instead of letting memory grow.
 */
public interface WebSocketSession {

    /**
     * Queues a text message.
     *
     * @param text the message
     * @return true when queued; false when the socket is closed or the queue bound was exceeded
     *     (the socket is then closed with 1008)
     */
    boolean sendText(String text);

    /**
     * Closes the socket after the messages already queued are sent.
     *
     * @param code the close code
     * @param reason the close reason (at most 123 UTF-8 bytes are sent)
     */
    void close(int code, String reason);

    /**
     * Whether the socket is open.
     *
     * @return false once closing started
     */
    boolean isOpen();

    /**
     * The peer's address.
     *
     * @return the remote socket address
     */
    default InetSocketAddress remoteAddress() {
        return request().remoteAddress();
    }

    /**
     * The HTTP request that asked for the upgrade (its body is empty).
     *
     * @return the upgrade request
     */
    HttpRequest request();
}
