package dev.portico.server.undertow;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open WebSockets of one server, so that a stop can close them with 1001. */
final class WebSocketRegistry {
    /** Writing the close frame plus the peer's time to answer, with a margin. */
    private static final Duration CLOSE_WAIT = SocketConnection.CLOSE_LINGER.multipliedBy(3);

    private final Set<SocketConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    void add(SocketConnection socket) {
        open.add(socket);
    }

    void remove(SocketConnection socket) {
        open.remove(socket);
    }

    /** Marks the server as stopping; sockets that open from now on close at once. */
    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /**
     * Closes every open socket through its session (so the listener hears the code) and waits a
     * bounded time for the close handshakes; sockets still open then are dropped.
     *
     * @param code the close code
     * @param reason the reason
     */
    void closeAll(int code, String reason) {
        List<SocketConnection> sockets = List.copyOf(open);
        for (SocketConnection socket : sockets) {
            socket.session().close(code, reason);
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (SocketConnection socket : sockets) {
            long left = deadline - System.nanoTime();
            if (!socket.awaitClosed(Duration.ofNanos(Math.max(0, left)))) {
                socket.abort();
            }
        }
    }
}
