package dev.portico.server.helidon;

import dev.portico.api.transport.SseOutput;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/** Writes each framed event as one HTTP/1.1 chunk, straight to the socket, and ends with the last chunk. */
final class ChunkedSseOutput implements SseOutput {
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DataWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    ChunkedSseOutput(DataWriter writer) {
        this.writer = writer;
    }

    @Override
    public void writeAndFlush(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            // An empty chunk would end the response.
            return;
        }
        byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        BufferData chunk = BufferData.create(size.length + bytes.length + 2);
        chunk.write(size);
        chunk.write(bytes);
        chunk.write('\r');
        chunk.write('\n');
        lock.lock();
        try {
            if (closed) {
                throw new IOException("event stream already ended");
            }
            writer.writeNow(chunk);
        } catch (RuntimeException e) {
            closed = true;
            throw new IOException("client went away: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            writer.writeNow(BufferData.create(LAST_CHUNK));
        } catch (RuntimeException clientGone) {
            // Nobody is left to read the last chunk.
        } finally {
            lock.unlock();
        }
    }
}
