package dev.portico.api.transport;

/**
 * Receives the events of one accepted WebSocket. Callbacks for one socket are called one at a time,
 * in order, on a virtual thread (never on an I/O thread), so they may block.
 * {@link #onClose(WebSocketSession, int, String)} is called exactly once.
 */
public interface WebSocketListener {

    /**
     * The socket is open.
     *
     * @param session the socket
     */
    default void onOpen(WebSocketSession session) {}

    /**
     * A whole text message arrived.
     *
     * @param session the socket
     * @param text the message
     */
    default void onText(WebSocketSession session, String text) {}

    /**
     * The socket closed, by either side or because the connection dropped.
     *
     * @param session the socket
     * @param code the close code ({@link WebSocketCloseCodes})
     * @param reason the close reason, possibly empty
     */
    default void onClose(WebSocketSession session, int code, String reason) {}

    /**
     * The socket failed; {@link #onClose(WebSocketSession, int, String)} follows.
     *
     * @param session the socket
     * @param error the failure
     */
    default void onError(WebSocketSession session, Throwable error) {}
}
