package dev.portico.core;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The configuration behind a gateway as a JSON document, for the {@code /api/config} routes: read
 * with every secret redacted, replaced whole, or changed by a JSON merge patch (the gateway turns a
 * patch into a replacement). The packaged server implements it over its config file; an embedding
 * application that keeps its settings elsewhere may implement it too, or leave it unset, and the
 * routes answer {@code 503}.
 *
 * <p>A document a client read has {@link #REDACTED} where a secret was. Sent back unchanged, such a
 * value stands for the secret in effect: {@link #replace} keeps it.
 */
public interface ConfigService {
    /** What a secret reads as: in {@link #effective()}, {@link #source()} and the gateway's log. */
    String REDACTED = "[redacted]";

    /**
     * The configuration in effect: the document with the defaults filled in and the values that
     * override it (flags, environment) applied, every secret {@link #REDACTED}.
     *
     * @return the effective configuration
     */
    JsonObject effective();

    /**
     * The document as it is kept (the config file as written), every secret {@link #REDACTED};
     * environment references such as {@code ${NAME}} are shown as written.
     *
     * @return the kept document
     */
    JsonObject source();

    /**
     * Replaces the whole document: checks it, keeps it (durably, before answering), and applies it
     * to the running gateway. A refused document changes nothing.
     *
     * @param document the new document; {@link #REDACTED} values keep the secrets in effect
     * @return what was applied and what waits for a restart
     * @throws Rejected naming every problem of the document
     */
    Applied replace(JsonObject document);

    /**
     * The outcome of an accepted document.
     *
     * @param restartRequired the settings that changed but take effect only after a restart
     *     ({@code gateway.port})
     * @param warnings what was accepted but looks wrong, such as an unknown key
     */
    record Applied(List<String> restartRequired, List<String> warnings) {
        /** Copies the lists. */
        public Applied {
            restartRequired = List.copyOf(restartRequired);
            warnings = List.copyOf(warnings);
        }
    }

    /** A refused document: the routes answer {@code 400} with every problem in {@code errors}. */
    final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The problems; an immutable list of strings. */
        private final transient List<String> problems;

        /**
         * Refuses a document.
         *
         * @param problems each problem, as {@code <path>: <what is wrong> (expected: …)}; at least one
         */
        public Rejected(List<String> problems) {
            super("invalid config: " + String.join("; ", requireSome(problems)));
            this.problems = List.copyOf(problems);
        }

        private static List<String> requireSome(List<String> problems) {
            if (Objects.requireNonNull(problems, "problems").isEmpty()) {
                throw new IllegalArgumentException("problems: expected at least one");
            }
            return problems;
        }

        /**
         * The problems, one per entry.
         *
         * @return the problems
         */
        public List<String> problems() {
            return problems == null ? List.of(getMessage()) : problems;
        }
    }
}
