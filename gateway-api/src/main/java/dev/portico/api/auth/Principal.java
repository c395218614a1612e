package dev.portico.api.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who made a request, once authenticated.
 *
 * @param id a stable, non-secret label of the credential (such as {@code token})
 * @param role the role the credential carries
 * @param scopes the scopes granted (usually the role's)
 */
public record Principal(String id, Role role, Set<Scope> scopes) {

    /**
     * Validates the parts and copies the scopes.
     *
     * @param id the label
     * @param role the role
     * @param scopes the scopes
     */
    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        scopes = Set.copyOf(scopes);
    }

    /**
     * A principal with exactly its role's scopes.
     *
     * @param id the label
     * @param role the role
     * @return the principal
     */
    public static Principal of(String id, Role role) {
        return new Principal(id, role, role.scopes());
    }

    /**
     * Whether this principal holds a scope.
     *
     * @param scope the scope
     * @return true when granted
     */
    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
