package dev.portico.api.auth;

import java.util.Locale;
import java.util.Optional;

/** What a credential may do. Every route declares the scope it needs. */
public enum Scope {
    /** Read gateway state: status, sessions, logs, jobs. */
    OPERATOR_READ,
    /** Change gateway state: send messages, manage sessions and jobs. */
    OPERATOR_WRITE,
    /** Administer the gateway: configuration, restart. */
    OPERATOR_ADMIN,
    /** Talk to the agent. */
    CHAT;

    /**
     * The name on the wire: {@code operator.read}, {@code operator.write}, {@code operator.admin},
     * {@code chat}.
     *
     * @return the wire name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * Parses a wire name.
     *
     * @param wireName such as {@code operator.read}
     * @return the scope, or empty when unknown
     */
    public static Optional<Scope> fromWire(String wireName) {
        for (Scope s : values()) {
            if (s.wireName().equals(wireName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
