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

    /** Keyed by the lower-cased name; each entry keeps the first spelling and all values. */
    private final Map<String, Entry> entries;

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
     * A builder that starts with these headers.
     *
     * @return a new builder holding a copy of these headers
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        forEach(b::add);
        return b;
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

    private static String key(String name) {
        return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }

    /** Builds {@link Headers}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds a value to a header, keeping any values already present.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder add(String name, String value) {
            Objects.requireNonNull(value, "value");
            entries.computeIfAbsent(key(name), k -> new Entry(name, new ArrayList<>())).values().add(value);
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
            List<String> values = new ArrayList<>();
            values.add(value);
            entries.put(key(name), new Entry(name, values));
            return this;
        }

        /**
         * Removes a header.
         *
         * @param name the header name
         * @return this builder
         */
        public Builder remove(String name) {
            entries.remove(key(name));
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
            Map<String, Entry> copy = new LinkedHashMap<>();
            entries.forEach((k, e) -> copy.put(k, new Entry(e.name(), List.copyOf(e.values()))));
            return new Headers(Collections.unmodifiableMap(copy));
        }
    }
}
