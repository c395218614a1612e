package dev.portico.api.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A named bundle of scopes. */
public enum Role {
    /** Every scope. */
    OPERATOR(EnumSet.allOf(Scope.class)),
    /** Read-only operator access. */
    VIEWER(EnumSet.of(Scope.OPERATOR_READ)),
    /** Talking to the agent only. */
    CHAT(EnumSet.of(Scope.CHAT));

    private final Set<Scope> scopes;

    Role(Set<Scope> scopes) {
        this.scopes = Set.copyOf(scopes);
    }

    /**
     * The scopes this role grants.
     *
     * @return an unmodifiable set
     */
    public Set<Scope> scopes() {
        return scopes;
    }

    /**
     * The name on the wire: {@code operator}, {@code viewer}, {@code chat}.
     *
     * @return the wire name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
