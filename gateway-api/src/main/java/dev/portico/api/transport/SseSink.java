package dev.portico.api.transport;

/**
 * Where a {@link SseProducer} writes server-sent events. Safe for use from several threads.
 *
 * <p>A failed write means the client is gone: the sink closes, runs its {@link #onClose(Runnable)}
 * callbacks, and further sends return {@code false}.
 */
public interface SseSink {

    /**
     * Sends one event and flushes it.
     *
     * @param event the event
     * @return true when written, false when the sink is closed
     */
    boolean send(SseEvent event);

    /**
     * Sends a comment line (used as a keep-alive) and flushes it.
     *
     * @param comment the comment text, single line
     * @return true when written, false when the sink is closed
     */
    boolean comment(String comment);

    /**
     * Whether events can still be sent.
     *
     * @return false once the client left or the sink was closed
     */
    boolean isOpen();

    /**
     * Registers a callback run once when the sink closes, for any reason. A callback registered
     * after the sink closed runs at once.
     *
     * @param callback the callback
     */
    void onClose(Runnable callback);

    /** Ends the stream. */
    void close();

    /**
     * The sink transports use: it frames events as the SSE specification says and writes them to
     * {@code output}.
     *
     * @param output the transport's raw channel
     * @return a new open sink
     */
    static TransportSseSink over(SseOutput output) {
        return new TransportSseSink(output);
    }
}
