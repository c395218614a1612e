package dev.portico.server.helidon;

import dev.portico.api.transport.HttpResponse;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;
import java.util.Optional;

/**
 * Wraps Helidon's HTTP/1.1 connection so the adapter knows, per connection, its socket and thread.
 *
 * <p>Three things need that: the SSE path writes to the socket directly (Helidon's response stream
 * holds the headers back until the first body byte); a rejected WebSocket upgrade hands its
 * response from the upgrader to the route that runs right after it on the same thread; and a stop
 * that runs out of drain time closes the sockets of the requests still in flight.
 */
final class TrackedConnection implements ServerConnection, InterruptableTask<Void> {
    private static final ThreadLocal<TrackedConnection> CURRENT = new ThreadLocal<>();

    private final ServerConnection delegate;
    private final ConnectionContext ctx;
    private final ServerState state;
    private volatile Thread thread;
    private volatile boolean upgraded;
    /** Written and read only by the connection's own thread. */
    private DeferredResponse deferred;

    private record DeferredResponse(HttpPrologue prologue, HttpResponse response) {}

    TrackedConnection(ServerConnection delegate, ConnectionContext ctx, ServerState state) {
        this.delegate = delegate;
        this.ctx = ctx;
        this.state = state;
    }

    /**
     * The connection the calling thread is serving.
     *
     * @return the connection, empty when called off a connection thread
     */
    static Optional<TrackedConnection> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    ConnectionContext context() {
        return ctx;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        thread = Thread.currentThread();
        CURRENT.set(this);
        state.connections().add(this);
        try {
            delegate.handle(limit);
        } finally {
            state.connections().remove(this);
            CURRENT.remove();
        }
    }

    /**
     * Helidon interrupts interruptible connections as soon as a stop starts. An upgraded connection
     * is not interruptible here: it is closed with 1001 and a close handshake instead, which an
     * interrupt (it closes the socket of a virtual thread blocked in a read) would cut short.
     */
    @Override
    public boolean canInterrupt() {
        return !upgraded && delegate instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        delegate.close(interrupt);
    }

    /** The connection now speaks WebSocket. */
    void markUpgraded() {
        upgraded = true;
    }

    boolean upgraded() {
        return upgraded;
    }

    /**
     * Keeps the response for an upgrade request that was not upgraded; the route sends it.
     *
     * @param prologue the upgrade request's prologue, to match the request the route then sees
     * @param response what to send instead of upgrading
     */
    void deferResponse(HttpPrologue prologue, HttpResponse response) {
        deferred = new DeferredResponse(prologue, response);
    }

    /**
     * Takes the response deferred for this request, if any.
     *
     * @param prologue the prologue of the request being routed
     * @return the deferred response when it belongs to this request
     */
    Optional<HttpResponse> takeDeferredResponse(HttpPrologue prologue) {
        DeferredResponse d = deferred;
        deferred = null;
        return d != null && d.prologue() == prologue ? Optional.of(d.response()) : Optional.empty();
    }

    /**
     * Ends the connection now: closes its socket (so nothing more goes out and blocked reads and
     * writes fail at once), then interrupts its thread (so handler code waiting on something else
     * wakes up). Used when a stop's drain time is over.
     */
    void forceClose() {
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException alreadyClosed) {
            // The socket went away by itself; that is the goal anyway.
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }
}
