package dev.portico.core;

import java.net.URI;
import java.util.Objects;

/**
 * A model provider as listings show it: its name and where it is, and whether a key is set, never
 * the key.
 *
 * @param name the provider name, such as {@code openai}
 * @param baseUrl the base of its OpenAI-compatible API, such as {@code https://api.openai.com/v1}
 * @param hasApiKey whether requests carry an API key
 */
public record ProviderInfo(String name, URI baseUrl, boolean hasApiKey) {

    /**
     * Validates the parts.
     *
     * @param name the provider name
     * @param baseUrl the base URL
     * @param hasApiKey whether a key is set
     */
    public ProviderInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
    }
}
