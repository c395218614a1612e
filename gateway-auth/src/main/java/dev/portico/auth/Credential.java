package dev.portico.auth;

import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One credential the gateway accepts: a label, the SHA-256 digest of its secret (the secret itself
 * is not kept), and the principal a request presenting it becomes — a role's scopes, or explicit
 * ones. The server decides a credential's scopes; a client can only narrow them
 * ({@link TokenAuthenticator#NARROW_HEADER}).
 *
 * <p>A secret may be given as {@code sha256:<64 hex digits>}: the digest of the real token, so a
 * config file need not hold the token itself.
 *
 * @param label a name for logs and {@code POST /api/token/validate} (never the secret)
 * @param digest the SHA-256 of the secret
 * @param principal who a request presenting it is
 */
public record Credential(String label, byte[] digest, Principal principal) {
    /** Tokens shorter than this are refused. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** Values people leave in config files; refused as tokens and passwords. */
    private static final Set<String> PLACEHOLDERS = Set.of("changeme", "change-me", "change_me", "token",
            "secret", "password", "undefined", "null", "none", "your-secret-token", "your-token", "your_token",
            "your-token-here", "replace-me", "replaceme", "example", "test", "xxx", "default", "admin",
            "${token}", "<token>");
    private static final String HASHED = "sha256:";
    private static final MessageDigest SHA256 = newSha256();

    /**
     * Validates the parts and copies the digest.
     *
     * @param label the label
     * @param digest 32 bytes
     * @param principal the principal
     */
    public Credential {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(principal, "principal");
        if (label.isBlank()) {
            throw new IllegalArgumentException("label: must not be blank");
        }
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException("digest: expected the 32 bytes of a SHA-256");
        }
        digest = digest.clone();
    }

    /**
     * The SHA-256 of the secret.
     *
     * @return a copy of the 32 bytes
     */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /**
     * A token credential with a role's scopes.
     *
     * @param label its name
     * @param token the token, or {@code sha256:<hex>} of it
     * @param role the role
     * @return the credential
     * @throws IllegalArgumentException when the token is weak (see {@link #checkToken(String, String)})
     */
    public static Credential token(String label, String token, Role role) {
        return token(label, token, role, role.scopes());
    }

    /**
     * A token credential with explicit scopes.
     *
     * @param label its name
     * @param token the token, or {@code sha256:<hex>} of it
     * @param role the role it reports
     * @param scopes the scopes it grants
     * @return the credential
     * @throws IllegalArgumentException when the token is weak or the scopes empty
     */
    public static Credential token(String label, String token, Role role, Set<Scope> scopes) {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException(label + ": scopes: none (expected: at least one of "
                    + "operator.read, operator.write, operator.admin, chat)");
        }
        byte[] digest = hashed(token).orElseGet(() -> {
            checkToken(label, token);
            return sha256(token);
        });
        return new Credential(label, digest, new Principal(label, role, EnumSet.copyOf(scopes)));
    }

    /**
     * The password credential ({@code auth.mode: password}): an operator, presented like a token.
     *
     * @param password the password, or {@code sha256:<hex>} of it; not empty
     * @return the credential
     */
    public static Credential password(String password) {
        Objects.requireNonNull(password, "password");
        byte[] digest = hashed(password).orElseGet(() -> {
            if (password.isBlank()) {
                throw new IllegalArgumentException("password: empty (expected: a password; or use auth.mode token)");
            }
            if (PLACEHOLDERS.contains(password.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("password: a placeholder value (expected: a real password)");
            }
            return sha256(password);
        });
        return new Credential("password", digest, Principal.of("password", Role.OPERATOR));
    }

    /**
     * Refuses a weak token: shorter than {@value #MIN_TOKEN_LENGTH} characters, or a known
     * placeholder such as {@code changeme}. The message never contains the token.
     *
     * @param label what the token is, for the message
     * @param token the token
     * @throws IllegalArgumentException when the token is weak
     */
    public static void checkToken(String label, String token) {
        Objects.requireNonNull(token, label);
        String t = token.strip();
        if (PLACEHOLDERS.contains(t.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(label + ": a placeholder value (expected: a random token of at least "
                    + MIN_TOKEN_LENGTH + " characters; leave it unset to have one generated)");
        }
        if (t.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(label + ": " + t.length() + " characters (expected: at least "
                    + MIN_TOKEN_LENGTH + "; leave it unset to have one generated)");
        }
    }

    /**
     * Whether a secret matches, comparing SHA-256 digests in constant time.
     *
     * @param presentedDigest the digest of what a request presented
     * @return true when it is this credential's
     */
    boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }

    /**
     * The SHA-256 of a string's UTF-8 bytes.
     *
     * @param value the string
     * @return 32 bytes
     */
    static byte[] sha256(String value) {
        try {
            // Cloning a prototype skips the provider look-up of MessageDigest.getInstance.
            return ((MessageDigest) SHA256.clone()).digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            return newSha256().digest(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static java.util.Optional<byte[]> hashed(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (!secret.regionMatches(true, 0, HASHED, 0, HASHED.length())) {
            return java.util.Optional.empty();
        }
        String hex = secret.substring(HASHED.length()).strip();
        if (hex.length() != 64) {
            throw new IllegalArgumentException("sha256: " + hex.length() + " hex digits (expected: 64)");
        }
        try {
            return java.util.Optional.of(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sha256: not hexadecimal (expected: 64 digits 0-9 a-f)");
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credential c && label.equals(c.label) && MessageDigest.isEqual(digest, c.digest)
                && principal.equals(c.principal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, principal);
    }

    @Override
    public String toString() {
        return "Credential[" + label + ", " + principal.scopes() + "]";
    }
}
