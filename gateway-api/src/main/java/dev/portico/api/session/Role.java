package dev.portico.api.session;

import java.util.Locale;

/** Who wrote a {@link Message}. */
public enum Role {
    /** The person (or program) talking to the agent. */
    USER,
    /** The agent. */
    ASSISTANT,
    /** The system (instructions, notices). */
    SYSTEM;

    /**
     * The name used on the wire and on disk: {@code user}, {@code assistant}, {@code system}.
     *
     * @return the lower-case name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @param wireName {@code user}, {@code assistant} or {@code system}, in any case
     * @return the role
     * @throws IllegalArgumentException for any other name
     */
    public static Role fromWire(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
