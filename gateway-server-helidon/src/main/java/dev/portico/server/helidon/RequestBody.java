package dev.portico.server.helidon;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The request body as the core reads it: opened on the first read, Helidon's unchecked socket
 * failures turned into {@link IOException}, and a {@link #close()} that never reads on. (Helidon's
 * own entity stream reads another buffer when closed early, which would block on a client that
 * announced a body it never sends.)
 */
final class RequestBody extends InputStream {
    private final Supplier<InputStream> opener;
    private InputStream in;
    private boolean closed;

    RequestBody(Supplier<InputStream> opener) {
        this.opener = opener;
    }

    @Override
    public int read() throws IOException {
        if (closed) {
            return -1;
        }
        try {
            return stream().read();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return stream().read(b, off, len);
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private InputStream stream() {
        if (in == null) {
            in = opener.get();
        }
        return in;
    }

    private static IOException failure(RuntimeException e) {
        return new IOException("request body could not be read: " + e.getMessage(), e);
    }
}
