package dev.portico.server.undertow;

import dev.portico.api.transport.TransportWebSocket;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketOutput;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.xnio.IoUtils;

/**
 * One upgraded Undertow WebSocket channel: the {@link WebSocketOutput} its {@link TransportWebSocket}
 * writes through, and the place where wire events are turned into the session's reports.
 *
 * <p>Whoever starts the close decides the code the listener sees: when this side sent a close frame
 * first (1001 on stop, 1009 for a message over the limit, 1008 for a slow peer), the peer's reply
 * and the connection's end report that code, not the peer's echo or a 1006.
 */
final class SocketConnection implements WebSocketOutput {
    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());

    /** How long a close frame may take to be written before the connection is dropped. */
    private static final Duration CLOSE_WRITE_TIMEOUT = Duration.ofSeconds(1);
    /** How long the peer has to answer a close frame before the connection is dropped. */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(1);

    private final WebSocketChannel channel;
    private final WebSocketRegistry registry;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicReference<CloseFrame> closeIntent = new AtomicReference<>();
    private final AtomicBoolean closeFrameQueued = new AtomicBoolean();
    private volatile TransportWebSocket session;

    private record CloseFrame(int code, String reason) {}

    SocketConnection(WebSocketChannel channel, WebSocketRegistry registry) {
        this.channel = channel;
        this.registry = registry;
    }

    void bind(TransportWebSocket session) {
        this.session = session;
    }

    TransportWebSocket session() {
        return session;
    }

    // ---- WebSocketOutput: called on the session's outbound virtual thread

    @Override
    public void sendText(String text) throws IOException {
        if (closeIntent.get() != null || !channel.isOpen()) {
            throw new IOException("WebSocket is closed");
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        WebSockets.sendText(text, channel, completing(written));
        try {
            written.get();
        } catch (InterruptedException abandoned) {
            // The session interrupts its sender only when it aborts the socket (a peer that reads
            // too slowly); it reports that close itself, so the unsent message is simply dropped.
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("WebSocket send failed", cause);
        }
    }

    @Override
    public void close(int code, String reason) {
        closeIntent.compareAndSet(null, new CloseFrame(code, reason));
        if (channel.isOpen() && !channel.isCloseFrameSent() && closeFrameQueued.compareAndSet(false, true)) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            try {
                WebSockets.sendClose(code, reason, channel, completing(written));
                written.get(CLOSE_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.log(Level.DEBUG, "WebSocket close frame not written: {0}", e.toString());
            }
        }
        if (!awaitClosed(CLOSE_LINGER)) {
            IoUtils.safeClose(channel);
        }
    }

    // ---- wire events: called on Undertow's I/O thread

    /**
     * A whole text message arrived.
     *
     * @param text the message
     */
    void received(String text) {
        if (closeIntent.get() == null) {
            session.received(text);
        }
    }

    /**
     * The peer's close frame arrived.
     *
     * @param code its code ({@link WebSocketCloseCodes#NO_STATUS} when it carried none)
     * @param reason its reason
     */
    void peerClosed(int code, String reason) {
        report(code, reason);
    }

    /**
     * This side must close the socket because of what the peer sent (1009, 1003). The close code
     * is fixed now, before the frame is queued, so that the peer's reply reports it too.
     *
     * @param code the close code
     * @param reason the reason
     */
    void closeFromReceiver(int code, String reason) {
        closeIntent.compareAndSet(null, new CloseFrame(code, reason));
        session.close(code, reason);
    }

    /**
     * Reading failed (a protocol error or a broken connection).
     *
     * @param error the failure
     */
    void failed(Throwable error) {
        CloseFrame mine = closeIntent.get();
        if (mine != null) {
            session.closedByPeer(mine.code(), mine.reason());
        } else {
            session.failed(error);
        }
        IoUtils.safeClose(channel);
    }

    /** The channel is closed, whoever closed it. */
    void channelClosed() {
        registry.remove(this);
        closed.countDown();
        report(WebSocketCloseCodes.ABNORMAL, "");
    }

    /** Reports the close: this side's code when this side started closing, otherwise the given one. */
    private void report(int code, String reason) {
        TransportWebSocket s = session;
        if (s == null) {
            return;
        }
        CloseFrame mine = closeIntent.get();
        if (mine != null) {
            s.closedByPeer(mine.code(), mine.reason());
        } else {
            s.closedByPeer(code, reason);
        }
    }

    /**
     * Waits until the channel is closed.
     *
     * @param timeout the longest wait
     * @return true when closed
     */
    boolean awaitClosed(Duration timeout) {
        try {
            return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !channel.isOpen();
        }
    }

    /** Drops the connection without a close frame. */
    void abort() {
        IoUtils.safeClose(channel);
    }

    private static WebSocketCallback<Void> completing(CompletableFuture<Void> future) {
        return new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel channel, Void context) {
                future.complete(null);
            }

            @Override
            public void onError(WebSocketChannel channel, Void context, Throwable throwable) {
                future.completeExceptionally(throwable);
            }
        };
    }
}
