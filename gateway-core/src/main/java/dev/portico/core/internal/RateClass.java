package dev.portico.core.internal;

import java.util.Locale;

/**
 * The request rate limit a route counts against. Each class is a bucket of the request rate limiter,
 * configured by name ({@code gateway.rateLimits.<name>}) in requests per minute per credential.
 */
public enum RateClass {
    /** Requests that start an agent turn: each one costs a model call. */
    CHAT,
    /** Administrative and credential-checking requests. */
    STRICT,
    /** Every other authenticated request. */
    DEFAULT;

    /**
     * The name in the configuration: {@code chat}, {@code strict}, {@code default}.
     *
     * @return the name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
