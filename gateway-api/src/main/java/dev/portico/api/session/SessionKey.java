package dev.portico.api.session;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import java.util.Objects;

/**
 * The key of a conversation: 1 to 200 characters of {@code [A-Za-z0-9_.:@+-]}.
 *
 * <p>{@code main} is the default session; channel sessions are
 * {@code <channel>:<accountId>:<chatId>[:thread:<threadId>]}, scheduled jobs use {@code cron:<jobId>}
 * and web chats {@code webchat:<id>}. A key is never used as a file name without encoding.
 *
 * @param value the key
 */
public record SessionKey(String value) implements Comparable<SessionKey> {

    /** The default session. */
    public static final SessionKey MAIN = new SessionKey("main");

    /**
     * Validates the key.
     *
     * @param value the key
     * @throws GatewayException {@link ErrorCode#INVALID_REQUEST} when the key is not valid
     */
    public SessionKey {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "session: invalid key (expected: 1-200 characters of A-Z a-z 0-9 _ . : @ + -)");
        }
    }

    /**
     * Parses a session key.
     *
     * @param value the key
     * @return the key
     * @throws GatewayException {@link ErrorCode#INVALID_REQUEST} when the key is not valid
     */
    public static SessionKey of(String value) {
        return new SessionKey(value);
    }

    /**
     * Whether {@code value} is a valid key.
     *
     * @param value a candidate key
     * @return true when valid
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 200) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '@' || c == '+' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(SessionKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
