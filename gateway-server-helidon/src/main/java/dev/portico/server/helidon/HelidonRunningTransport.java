package dev.portico.server.helidon;

import dev.portico.api.transport.RunningTransport;
import io.helidon.webserver.WebServer;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A started Helidon server and its graceful stop.
 *
 * <p>{@link #stop(Duration)} runs Helidon's own stop on a separate thread: it closes the listening
 * socket at once, closes idle keep-alive connections, asks every WebSocket to close (they send 1001
 * after their queued messages), and then waits for the connections still serving a request. This
 * thread waits for that up to {@code drain}; what is still running then has its socket closed and
 * its thread interrupted. WebSockets are left their close handshake
 * ({@link WebSocketConnection#CLOSE_GRACE}) even when the drain is shorter.
 */
final class HelidonRunningTransport implements RunningTransport {
    private static final System.Logger LOG = System.getLogger(HelidonRunningTransport.class.getName());
    /** How long to wait for Helidon to finish once everything left has been forced. */
    private static final Duration FORCED_STOP_WAIT = WebSocketConnection.CLOSE_GRACE.plusSeconds(4);

    private final WebServer server;
    private final ServerState state;
    private final InetSocketAddress address;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private boolean stopped;

    HelidonRunningTransport(WebServer server, ServerState state, InetSocketAddress address) {
        this.server = server;
        this.state = state;
        this.address = address;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void stop(Duration drain) {
        Objects.requireNonNull(drain, "drain");
        if (drain.isNegative()) {
            throw new IllegalArgumentException("drain: " + drain + " (expected: >= 0)");
        }
        lifecycle.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            state.markStopping();
            Thread stopper = Thread.ofVirtual().name("portico-helidon-stop").start(server::stop);
            if (join(stopper, drain)) {
                return;
            }
            for (TrackedConnection connection : state.connections()) {
                if (!connection.upgraded()) {
                    connection.forceClose();
                }
            }
            // A socket upgraded while the stop began may have missed Helidon's close request.
            state.webSockets().forEach(WebSocketConnection::goAway);
            if (!join(stopper, FORCED_STOP_WAIT)) {
                LOG.log(Level.WARNING, "Helidon server on " + address + " did not stop within "
                        + FORCED_STOP_WAIT.plus(drain) + "; a request handler ignores interrupts");
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private static boolean join(Thread thread, Duration timeout) {
        try {
            return thread.join(timeout.isZero() ? Duration.ofNanos(1) : timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    @Override
    public String toString() {
        return "HelidonRunningTransport[" + address + (stopped ? ", stopped" : "") + "]";
    }
}
