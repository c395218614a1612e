package dev.portico.core;

import java.util.Locale;
import java.util.Objects;

/**
 * A model an agent may use, as listings show it.
 *
 * @param id {@code <provider>/<model>}, such as {@code openai/gpt-4o}
 * @param provider the provider name, such as {@code openai}
 * @param model the model name the provider knows, such as {@code gpt-4o}
 * @param role whether it is tried first or after the primary failed
 */
public record ModelInfo(String id, String provider, String model, Role role) {

    /** Where a model stands in the failover order. */
    public enum Role {
        /** Tried first. */
        PRIMARY,
        /** Tried in order when the models before it failed. */
        FALLBACK;

        /**
         * The name on the wire.
         *
         * @return {@code primary} or {@code fallback}
         */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates the parts.
     *
     * @param id the model id
     * @param provider the provider name
     * @param model the model name
     * @param role the role
     */
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(role, "role");
    }
}
