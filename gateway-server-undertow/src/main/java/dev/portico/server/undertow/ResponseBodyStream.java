package dev.portico.server.undertow;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.xnio.channels.StreamSinkChannel;

/**
 * A blocking stream over the exchange's response channel that parks the writing virtual thread
 * while the connection cannot take more bytes. Nothing is buffered here: each write goes to
 * Undertow's channel (one chunk per write for a chunked response), {@link #flush()} pushes it to
 * the network, and {@link #close()} ends the response.
 */
final class ResponseBodyStream extends OutputStream {
    private final StreamSinkChannel channel;
    private final ChannelReadiness writable = new ChannelReadiness();
    private boolean closed;

    ResponseBodyStream(StreamSinkChannel channel) {
        this.channel = channel;
        channel.getWriteSetter().set(ready -> {
            ready.suspendWrites();
            writable.signal();
        });
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                awaitWritable();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        flushChannel();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        channel.shutdownWrites();
        flushChannel();
    }

    private void flushChannel() throws IOException {
        while (!channel.flush()) {
            awaitWritable();
        }
    }

    private void awaitWritable() throws IOException {
        writable.reset();
        channel.resumeWrites();
        writable.await();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("response stream is closed");
        }
    }
}
