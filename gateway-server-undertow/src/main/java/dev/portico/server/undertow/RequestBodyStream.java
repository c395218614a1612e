package dev.portico.server.undertow;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.xnio.channels.StreamSourceChannel;

/**
 * The request body as the core reads it: a blocking stream over the exchange's request channel
 * that parks the reading virtual thread while no data is available.
 *
 * <p>It reads straight into the caller's array and never more than asked, so the body is never
 * buffered beyond what the core consumes. {@link #close()} does not read the rest of the body:
 * what is left is Undertow's business once the response is sent (it drains it on a keep-alive
 * connection, or drops it when the response closes the connection).
 */
final class RequestBodyStream extends InputStream {
    private final StreamSourceChannel channel;
    private final ChannelReadiness readable = new ChannelReadiness();
    private boolean closed;
    private boolean ended;

    RequestBodyStream(StreamSourceChannel channel) {
        this.channel = channel;
        channel.getReadSetter().set(ready -> {
            ready.suspendReads();
            readable.signal();
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b, off, len);
        while (true) {
            int n = channel.read(buffer);
            if (n > 0) {
                return n;
            }
            if (n < 0) {
                ended = true;
                return -1;
            }
            readable.reset();
            channel.resumeReads();
            readable.await();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("request body stream is closed");
        }
    }
}
