package dev.portico.auth;

import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Authenticator;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Role;
import dev.portico.api.transport.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates requests against one token, presented as {@code Authorization: Bearer <token>} or
 * {@code X-Api-Key: <token>}. A valid token is an operator with every scope.
 *
 * <p>The token is kept only as its SHA-256 digest, and a presented credential is compared by digest
 * with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the input's
 * length or content.
 *
 * <pre>{@code
 * Authenticator auth = TokenAuthenticator.of(Tokens.loadOrCreate(stateDir.resolve("token")));
 * }</pre>
 */
public final class TokenAuthenticator implements Authenticator {
    private static final String BEARER = "bearer ";
    private static final MessageDigest SHA256 = newSha256();

    private final byte[] digest;
    private final Principal principal;

    private TokenAuthenticator(String token, Principal principal) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token: must not be blank");
        }
        this.digest = sha256(token);
        this.principal = Objects.requireNonNull(principal, "principal");
    }

    /**
     * An authenticator for one token that grants the {@link Role#OPERATOR} role.
     *
     * @param token the token; not blank
     * @return the authenticator
     */
    public static TokenAuthenticator of(String token) {
        return new TokenAuthenticator(token, Principal.of("token", Role.OPERATOR));
    }

    @Override
    public AuthResult authenticate(HttpRequest request) {
        Optional<String> presented = credential(request);
        if (presented.isEmpty()) {
            return new AuthResult.Missing();
        }
        if (MessageDigest.isEqual(digest, sha256(presented.get()))) {
            return new AuthResult.Authenticated(principal);
        }
        return new AuthResult.Rejected("token does not match");
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

    private static byte[] sha256(String value) {
        try {
            // Cloning a prototype skips the provider look-up of MessageDigest.getInstance.
            return ((MessageDigest) SHA256.clone()).digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            return newSha256().digest(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
