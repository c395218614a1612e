package dev.portico.api.transport;

import java.util.Objects;

/** The body of an {@link HttpResponse}: bytes, or a stream of server-sent events. */
public sealed interface ResponseBody {

    /**
     * A body sent as is.
     *
     * @param bytes the body bytes; transports must not modify them
     */
    record Bytes(byte[] bytes) implements ResponseBody {
        /**
         * Validates the bytes.
         *
         * @param bytes the body bytes
         */
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * A body of server-sent events. The transport sends the status and headers, flushes them, then
     * calls {@link SseProducer#produce(SseSink)} on the request's thread with a sink created by
     * {@link SseSink#over(SseOutput)}; when the producer returns, the transport ends the response.
     *
     * @param producer writes the events
     */
    record Stream(SseProducer producer) implements ResponseBody {
        /**
         * Validates the producer.
         *
         * @param producer writes the events
         */
        public Stream {
            Objects.requireNonNull(producer, "producer");
        }
    }
}
