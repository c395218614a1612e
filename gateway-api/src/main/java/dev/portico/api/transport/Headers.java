package dev.portico.api.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable multimap of HTTP headers whose names are case-insensitive. Insertion order and the
 * first spelling of each name are kept.
 *
 * <pre>{@code
 * Headers h = Headers.builder().add("Content-Type", "application/json").build();
 * h.first("content-type"); // Optional[application/json]
 * }</pre>
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(Map.of());

    /**
     * Keyed by the lower-cased name; each entry keeps the first spelling and all values. Never
     * changed once these headers exist, and never handed out.
     */
    private final Map<String, Entry> entries;

    /**
     * The lower-cased form of the header names the gateway looks up on every request, so that a
     * lookup by one of them neither allocates nor hashes a new string.
     */
    private static final Map<String, String> KNOWN_KEYS = knownKeys("Accept", "Access-Control-Request-Method",
            "Authorization", "Cache-Control", "Connection", "Content-Length", "Content-Security-Policy",
            "Content-Type", "Forwarded", "Host", "Last-Event-ID", "Origin", "Referrer-Policy", "Retry-After",
            "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Transfer-Encoding", "Upgrade", "Vary", "WWW-Authenticate",
            "X-Api-Key", "X-Content-Type-Options", "X-Forwarded-For", "X-Frame-Options", "X-Portico-Scopes",
            "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Real-IP");

    private record Entry(String name, List<String> values) {}

    private Headers(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * No headers.
     *
     * @return the empty headers
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * A builder of headers.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return the first value, or empty when the header is absent
     */
    public Optional<String> first(String name) {
        Entry e = entries.get(key(name));
        return e == null ? Optional.empty() : Optional.of(e.values().get(0));
    }

    /**
     * Every value of a header, in the order received.
     *
     * @param name the header name, in any case
     * @return the values, empty when the header is absent
     */
    public List<String> all(String name) {
        Entry e = entries.get(key(name));
        return e == null ? List.of() : e.values();
    }

    /**
     * Whether a header is present.
     *
     * @param name the header name, in any case
     * @return true when at least one value is present
     */
    public boolean contains(String name) {
        return entries.containsKey(key(name));
    }

    /**
     * The header names, each in the spelling first seen.
     *
     * @return the names in insertion order
     */
    public Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>();
        entries.values().forEach(e -> names.add(e.name()));
        return Collections.unmodifiableSet(names);
    }

    /**
     * Calls {@code action} once per value, with the name in the spelling first seen.
     *
     * @param action receives each name and value
     */
    public void forEach(BiConsumer<String, String> action) {
        for (Entry e : entries.values()) {
            for (String v : e.values()) {
                action.accept(e.name(), v);
            }
        }
    }

    /**
     * Whether there are no headers.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * These headers with those of {@code more} added; a header of {@code more} replaces one of the
     * same name here. Cheaper than going through a builder: nothing is copied but the map.
     *
     * @param more the headers to add
     * @return the combined headers; this instance when {@code more} is empty
     */
    public Headers with(Headers more) {
        if (more.entries.isEmpty()) {
            return this;
        }
        if (entries.isEmpty()) {
            return more;
        }
        Map<String, Entry> combined = LinkedHashMap.newLinkedHashMap(entries.size() + more.entries.size());
        combined.putAll(entries);
        combined.putAll(more.entries);
        return new Headers(combined);
    }

    /**
     * A builder that starts with these headers.
     *
     * @return a new builder holding these headers (they are copied when it first changes them)
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers{");
        forEach((n, v) -> sb.append(n).append('=').append(v).append(", "));
        if (!entries.isEmpty()) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }

    private static Map<String, String> knownKeys(String... names) {
        Map<String, String> keys = new java.util.HashMap<>();
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            keys.put(name, key);
            keys.put(key, key);
        }
        return Map.copyOf(keys);
    }

    private static String key(String name) {
        String known = KNOWN_KEYS.get(Objects.requireNonNull(name, "name"));
        return known != null ? known : name.toLowerCase(Locale.ROOT);
    }

    /**
     * Builds {@link Headers}. Not thread-safe. Building hands the builder's map to the headers
     * without copying it; a builder used again afterwards copies it first (copy on write).
     */
    public static final class Builder {
        private Map<String, Entry> entries;
        /** The headers that hold {@link #entries} as they are, which must then not change; or null. */
        private Headers built;

        private Builder() {
            this.entries = new LinkedHashMap<>();
        }

        private Builder(Headers from) {
            this.entries = from.entries;
            this.built = from;
        }

        /**
         * Adds a value to a header, keeping any values already present.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder add(String name, String value) {
            Objects.requireNonNull(value, "value");
            String key = key(name);
            Entry e = entries.get(key);
            if (e == null) {
                writable().put(key, new Entry(name, List.of(value)));
            } else {
                List<String> values = new ArrayList<>(e.values().size() + 1);
                values.addAll(e.values());
                values.add(value);
                writable().put(key, new Entry(e.name(), Collections.unmodifiableList(values)));
            }
            return this;
        }

        /**
         * Sets a header to a single value, replacing any values already present.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder set(String name, String value) {
            Objects.requireNonNull(value, "value");
            writable().put(key(name), new Entry(name, List.of(value)));
            return this;
        }

        /**
         * Removes a header.
         *
         * @param name the header name
         * @return this builder
         */
        public Builder remove(String name) {
            String key = key(name);
            if (entries.containsKey(key)) {
                writable().remove(key);
            }
            return this;
        }

        /**
         * Whether a header has been added.
         *
         * @param name the header name
         * @return true when present
         */
        public boolean contains(String name) {
            return entries.containsKey(key(name));
        }

        /**
         * The immutable headers.
         *
         * @return the built headers
         */
        public Headers build() {
            if (entries.isEmpty()) {
                return EMPTY;
            }
            if (built == null) {
                built = new Headers(entries);
            }
            return built;
        }

        private Map<String, Entry> writable() {
            if (built != null) {
                entries = new LinkedHashMap<>(entries);
                built = null;
            }
            return entries;
        }
    }
}
