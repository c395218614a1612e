package dev.portico.api.transport;

import java.io.IOException;

/**
 * The raw side of a WebSocket a transport gives {@link TransportWebSocket}: it sends one text
 * frame (blocking until handed to the network) or a close frame.
 */
public interface WebSocketOutput {
    /**
     * Sends a whole text message, blocking until it is written.
     *
     * @param text the message
     * @throws IOException when the connection is gone
     */
    void sendText(String text) throws IOException;

    /**
     * Sends a close frame and closes the connection.
     *
     * @param code the close code
     * @param reason the reason, at most 123 UTF-8 bytes
     */
    void close(int code, String reason);
}
