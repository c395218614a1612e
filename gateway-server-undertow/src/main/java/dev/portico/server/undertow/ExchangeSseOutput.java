package dev.portico.server.undertow;

import dev.portico.api.transport.SseOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;

/**
 * The raw SSE channel over an exchange's blocking output stream: each frame is written and flushed
 * at once (one HTTP chunk per frame); closing writes the last chunk.
 */
final class ExchangeSseOutput implements SseOutput {
    private static final System.Logger LOG = System.getLogger(ExchangeSseOutput.class.getName());

    private final OutputStream out;

    ExchangeSseOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeAndFlush(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException gone) {
            LOG.log(Level.DEBUG, "SSE stream could not be ended cleanly: {0}", gone.toString());
        }
    }
}
