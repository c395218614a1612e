package dev.portico.api.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link SseSink} a transport creates over its raw {@link SseOutput} with
 * {@link SseSink#over(SseOutput)}. It frames events, serialises writers, turns a failed write into
 * a close, and lets the transport report a disconnect it noticed by itself with
 * {@link #transportClosed()}.
 */
public final class TransportSseSink implements SseSink {
    private final SseOutput output;
    /** Serialises writers; held while a write blocks. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards the open flag and the callbacks; never held across I/O. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final List<Runnable> closeCallbacks = new ArrayList<>();
    private volatile boolean open = true;

    TransportSseSink(SseOutput output) {
        this.output = Objects.requireNonNull(output, "output");
    }

    @Override
    public boolean send(SseEvent event) {
        return write(frame(event));
    }

    @Override
    public boolean comment(String comment) {
        if (comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("comment: must not contain a line break");
        }
        return write((": " + comment + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void onClose(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        stateLock.lock();
        try {
            if (open) {
                closeCallbacks.add(callback);
                return;
            }
        } finally {
            stateLock.unlock();
        }
        callback.run();
    }

    @Override
    public void close() {
        closeInternal(true);
    }

    /**
     * Tells the sink that the transport saw the client go away (without a failed write). Runs the
     * close callbacks; does not touch the output again. It never waits for a write in progress, so
     * an I/O thread may call it.
     */
    public void transportClosed() {
        closeInternal(false);
    }

    private boolean write(byte[] frame) {
        writeLock.lock();
        try {
            if (!open) {
                return false;
            }
            try {
                output.writeAndFlush(frame);
                return true;
            } catch (IOException | RuntimeException gone) {
                // The client went away; closing is the whole answer to that.
            }
        } finally {
            writeLock.unlock();
        }
        closeInternal(true);
        return false;
    }

    private void closeInternal(boolean closeOutput) {
        List<Runnable> callbacks;
        stateLock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            callbacks = new ArrayList<>(closeCallbacks);
            closeCallbacks.clear();
        } finally {
            stateLock.unlock();
        }
        if (closeOutput) {
            try {
                output.close();
            } catch (RuntimeException ignored) {
                // Closing a connection that is already gone may fail; the stream is over either way.
            }
        }
        callbacks.forEach(Runnable::run);
    }

    /**
     * Frames one event: {@code id:}, {@code event:}, one {@code data:} line per line of data, and a
     * blank line.
     *
     * @param event the event
     * @return the UTF-8 bytes of the frame
     */
    static byte[] frame(SseEvent event) {
        StringBuilder sb = new StringBuilder(event.data().length() + 32);
        event.id().ifPresent(id -> sb.append("id: ").append(id).append('\n'));
        event.name().ifPresent(n -> sb.append("event: ").append(n).append('\n'));
        String data = event.data().replace("\r\n", "\n").replace('\r', '\n');
        int start = 0;
        while (true) {
            int nl = data.indexOf('\n', start);
            sb.append("data: ").append(data, start, nl < 0 ? data.length() : nl).append('\n');
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
