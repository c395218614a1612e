package dev.portico.api.transport;

import java.io.IOException;

/**
 * The raw byte channel a transport gives {@link SseSink#over(SseOutput)}: it only writes and flushes
 * already-framed bytes. The framing itself is done by the sink, so every transport frames alike.
 */
public interface SseOutput {
    /**
     * Writes the bytes and flushes them to the client.
     *
     * @param bytes framed event bytes
     * @throws IOException when the client is gone
     */
    void writeAndFlush(byte[] bytes) throws IOException;

    /**
     * Ends the response; called at most once, by the sink, possibly while another thread's write is
     * still blocked (the transport then fails that write).
     */
    void close();
}
