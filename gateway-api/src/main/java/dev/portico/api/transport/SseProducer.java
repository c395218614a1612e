package dev.portico.api.transport;

/**
 * Writes the events of a server-sent event stream. It runs on the request's (virtual) thread and
 * may block; the stream ends when it returns or throws.
 */
@FunctionalInterface
public interface SseProducer {
    /**
     * Writes events to {@code sink} until the stream is complete or the sink closes.
     *
     * @param sink where the events go
     * @throws Exception any failure; the transport ends the stream
     */
    void produce(SseSink sink) throws Exception;
}
