package dev.portico.api.channel;

import dev.portico.api.transport.Headers;
import java.util.Optional;

/** A request to a channel's webhook. Its body is read only when {@link #body()} is called. */
public interface WebhookRequest {
    /**
     * The request headers.
     *
     * @return the headers
     */
    Headers headers();

    /**
     * Reads the body (once; later calls return the same bytes).
     *
     * @return the raw body, exactly as it arrived: signatures are computed over these bytes
     */
    byte[] body();

    /**
     * A query parameter.
     *
     * @param name its name
     * @return its first value
     */
    Optional<String> queryParam(String name);
}
