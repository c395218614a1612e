package dev.portico.api.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link WebSocketSession} a transport creates for each accepted socket. It holds everything
 * that must behave the same on every transport, so that adapters only translate:
 *
 * <ul>
 *   <li>listener callbacks run in order, one at a time, on a virtual thread;
 *   <li>outbound messages go through a queue bounded in bytes; past the bound the socket is closed
 *       with 1008 (the same bound guards inbound messages waiting for a busy listener);
 *   <li>{@link WebSocketListener#onClose} runs exactly once, whoever closes first.
 * </ul>
 *
 * <p>The transport reports what happens on the wire with {@link #opened()}, {@link #received(String)},
 * {@link #closedByPeer(int, String)} and {@link #failed(Throwable)}.
 */
public final class TransportWebSocket implements WebSocketSession {
    private final HttpRequest request;
    private final WebSocketListener listener;
    private final WebSocketOutput output;
    private final long maxQueuedBytes;
    private final ExecutorService inbound = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("portico-ws-in").factory());
    private final ExecutorService outbound = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("portico-ws-out").factory());
    private final AtomicLong queuedOut = new AtomicLong();
    private final AtomicLong queuedIn = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean closeReported = new AtomicBoolean();
    /** The code and reason of a close this side started; reported instead of the peer's echo. */
    private volatile CloseFrame initiated;

    private record CloseFrame(int code, String reason) {}

    private TransportWebSocket(HttpRequest request, WebSocketListener listener, WebSocketOutput output, long maxQueuedBytes) {
        this.request = Objects.requireNonNull(request, "request");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.output = Objects.requireNonNull(output, "output");
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: > 0)");
        }
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /**
     * Creates the session for an accepted socket.
     *
     * @param request the upgrade request
     * @param listener the core's listener from {@link WebSocketDecision.Accept}
     * @param output the transport's raw side of the socket
     * @param maxQueuedBytes the bound on queued outbound (and pending inbound) UTF-8 bytes
     * @return the session, not yet opened
     */
    public static TransportWebSocket create(HttpRequest request, WebSocketListener listener, WebSocketOutput output,
            long maxQueuedBytes) {
        return new TransportWebSocket(request, listener, output, maxQueuedBytes);
    }

    // ---- what the core calls

    @Override
    public boolean sendText(String text) {
        Objects.requireNonNull(text, "text");
        if (!open.get()) {
            return false;
        }
        long size = utf8Length(text);
        if (queuedOut.addAndGet(size) > maxQueuedBytes) {
            queuedOut.addAndGet(-size);
            abort(WebSocketCloseCodes.POLICY_VIOLATION, "outbound queue full");
            return false;
        }
        try {
            outbound.execute(() -> {
                try {
                    output.sendText(text);
                } catch (IOException | RuntimeException e) {
                    if (open.get()) {
                        failed(e);
                    }
                } finally {
                    queuedOut.addAndGet(-size);
                }
            });
            return true;
        } catch (RejectedExecutionException closedMeanwhile) {
            queuedOut.addAndGet(-size);
            return false;
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        String r = truncateReason(reason);
        initiated = new CloseFrame(code, r);
        try {
            outbound.execute(() -> {
                output.close(code, r);
                closedByPeer(code, r);
            });
        } catch (RejectedExecutionException alreadyStopped) {
            closedByPeer(code, r);
        }
        outbound.shutdown();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    // ---- what the transport calls

    /** The handshake completed; runs {@link WebSocketListener#onOpen}. */
    public void opened() {
        dispatch(() -> listener.onOpen(this));
    }

    /**
     * A whole text message arrived; runs {@link WebSocketListener#onText} after the earlier ones.
     *
     * @param text the message
     */
    public void received(String text) {
        long size = utf8Length(text);
        if (queuedIn.addAndGet(size) > maxQueuedBytes) {
            queuedIn.addAndGet(-size);
            abort(WebSocketCloseCodes.POLICY_VIOLATION, "inbound queue full");
            return;
        }
        dispatch(() -> {
            try {
                listener.onText(this, text);
            } finally {
                queuedIn.addAndGet(-size);
            }
        });
    }

    /**
     * The socket closed: the peer sent a close frame, the transport closed it (for example with
     * 1009 for a frame over the limit), or the connection dropped (1006). Runs
     * {@link WebSocketListener#onClose} once; later calls do nothing. When this side started the
     * close (with {@link #close(int, String)} or because a queue bound was exceeded), the listener
     * sees the code this side sent, not the peer's echo.
     *
     * @param code the close code
     * @param reason the reason, possibly empty
     */
    public void closedByPeer(int code, String reason) {
        open.set(false);
        if (!closeReported.compareAndSet(false, true)) {
            return;
        }
        CloseFrame ours = initiated;
        int reportedCode = ours != null ? ours.code() : code;
        String reportedReason = ours != null ? ours.reason() : (reason == null ? "" : reason);
        dispatch(() -> listener.onClose(this, reportedCode, reportedReason));
        inbound.shutdown();
        outbound.shutdown();
    }

    /**
     * The socket failed; runs {@link WebSocketListener#onError} then reports a 1006 close.
     *
     * @param error the failure
     */
    public void failed(Throwable error) {
        if (closeReported.get()) {
            return;
        }
        dispatch(() -> listener.onError(this, error));
        closedByPeer(WebSocketCloseCodes.ABNORMAL, "connection failed");
    }

    private void abort(int code, String reason) {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        initiated = new CloseFrame(code, reason);
        outbound.shutdownNow();
        Thread.ofVirtual().name("portico-ws-abort").start(() -> {
            try {
                output.close(code, reason);
            } finally {
                closedByPeer(code, reason);
            }
        });
    }

    private void dispatch(Runnable callback) {
        try {
            inbound.execute(() -> {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    System.getLogger(TransportWebSocket.class.getName())
                            .log(System.Logger.Level.WARNING, "WebSocket listener failed", e);
                    close(WebSocketCloseCodes.INTERNAL_ERROR, "internal error");
                }
            });
        } catch (RejectedExecutionException closed) {
            // The socket is already closed and its close was reported; nothing more is delivered.
        }
    }

    private static String truncateReason(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        int end = reason.length();
        while (utf8Length(reason.substring(0, end)) > 123) {
            end = reason.offsetByCodePoints(end, -1);
        }
        return reason.substring(0, end);
    }

    /**
     * The length of a string in UTF-8 bytes, without encoding it.
     *
     * @param s the string
     * @return the byte count
     */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
