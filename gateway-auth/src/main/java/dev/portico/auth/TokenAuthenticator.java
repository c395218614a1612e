package dev.portico.auth;

import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Authenticator;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpRequest;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates requests against a set of {@link Credential}s, presented as
 * {@code Authorization: Bearer <token>} or {@code X-Api-Key: <token>}.
 *
 * <p>Secrets are kept only as SHA-256 digests. A presented credential is hashed and compared with
 * every credential's digest by {@link MessageDigest#isEqual} — all of them, without stopping at a
 * match — so the time taken depends neither on the input's length or content nor on which
 * credential matched.
 *
 * <p>A client may narrow what its credential grants, never widen it: a request carrying
 * {@value #NARROW_HEADER}{@code : operator.read} gets only those of the listed scopes its
 * credential holds (unknown names are ignored).
 *
 * <pre>{@code
 * Authenticator auth = TokenAuthenticator.of(Tokens.loadOrCreate(stateDir.resolve("token")));
 * Authenticator several = TokenAuthenticator.of(List.of(
 *         Credential.token("ops", opsToken, Role.OPERATOR),
 *         Credential.token("dashboard", "sha256:9f86d0…", Role.VIEWER)));
 * }</pre>
 */
public final class TokenAuthenticator implements Authenticator {
    /** The request header that narrows a credential's scopes: comma-separated scope names. */
    public static final String NARROW_HEADER = "X-Portico-Scopes";
    private static final String BEARER = "bearer ";

    private final List<Credential> credentials;

    private TokenAuthenticator(List<Credential> credentials) {
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException("credentials: none (expected: at least one)");
        }
        Set<String> labels = new HashSet<>();
        for (Credential c : credentials) {
            if (!labels.add(c.label())) {
                throw new IllegalArgumentException("credentials: the label " + c.label() + " is used twice");
            }
        }
        this.credentials = List.copyOf(credentials);
    }

    /**
     * An authenticator for one token that grants the {@link Role#OPERATOR} role.
     *
     * @param token the token: at least {@value Credential#MIN_TOKEN_LENGTH} characters and not a
     *     placeholder, or {@code sha256:<hex>} of it
     * @return the authenticator
     * @throws IllegalArgumentException when the token is weak
     */
    public static TokenAuthenticator of(String token) {
        return of(List.of(Credential.token("token", token, Role.OPERATOR)));
    }

    /**
     * An authenticator for several credentials, each with its label and scopes.
     *
     * @param credentials the credentials; labels distinct
     * @return the authenticator
     */
    public static TokenAuthenticator of(List<Credential> credentials) {
        return new TokenAuthenticator(Objects.requireNonNull(credentials, "credentials"));
    }

    /**
     * The credentials accepted.
     *
     * @return an unmodifiable list
     */
    public List<Credential> credentials() {
        return credentials;
    }

    @Override
    public AuthResult authenticate(HttpRequest request) {
        Optional<String> presented = credential(request);
        if (presented.isEmpty()) {
            return new AuthResult.Missing();
        }
        byte[] digest = Credential.sha256(presented.get());
        Credential found = null;
        for (Credential c : credentials) {
            if (c.matches(digest) && found == null) {
                found = c;
            }
        }
        if (found == null) {
            return new AuthResult.Rejected("token does not match");
        }
        return new AuthResult.Authenticated(narrow(found.principal(), request));
    }

    /** The principal with only the scopes the request asks for, when it asks. */
    private static Principal narrow(Principal principal, HttpRequest request) {
        Optional<String> asked = request.headers().first(NARROW_HEADER);
        if (asked.isEmpty()) {
            return principal;
        }
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : asked.get().split(",")) {
            Scope.fromWire(name.strip()).filter(principal::has).ifPresent(scopes::add);
        }
        return new Principal(principal.id(), principal.role(), scopes);
    }

    /**
     * The credential a request presents: the bearer token of {@code Authorization}, else
     * {@code X-Api-Key}.
     *
     * @param request the request
     * @return the credential, or empty when none is presented
     */
    public static Optional<String> credential(HttpRequest request) {
        Optional<String> authorization = request.headers().first("Authorization");
        if (authorization.isPresent()) {
            String value = authorization.get().trim();
            if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = value.substring(BEARER.length()).trim();
                if (!token.isEmpty()) {
                    return Optional.of(token);
                }
            }
        }
        return request.headers().first("X-Api-Key").map(String::trim).filter(v -> !v.isEmpty());
    }
}
