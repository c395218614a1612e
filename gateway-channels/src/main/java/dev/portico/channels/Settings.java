package dev.portico.channels;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/** The checks every channel's builder makes of the settings they share. */
public final class Settings {
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Settings() {}

    /**
     * Checks an account id.
     *
     * @param accountId the id
     * @throws IllegalArgumentException unless it is 1–64 characters of {@code [A-Za-z0-9_-]}
     */
    public static void checkAccount(String accountId) {
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("accountId: " + accountId
                    + " (expected: 1-64 characters of [A-Za-z0-9_-])");
        }
    }

    /**
     * Checks the URI of a platform's API or of a callback.
     *
     * @param setting the setting's name, for the message
     * @param uri the URI
     * @param queryAllowed whether it may carry a query (a callback may; a base URI paths are added to may not)
     * @throws IllegalArgumentException unless it is an absolute {@code http} or {@code https} URI
     *     with a host, without a fragment, and without a query unless allowed
     */
    public static void checkHttpUri(String setting, URI uri, boolean queryAllowed) {
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                || (!queryAllowed && uri.getRawQuery() != null) || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(setting + ": expected an absolute http or https URI"
                    + (queryAllowed ? " without a fragment" : " without query or fragment"));
        }
    }

    /**
     * Checks a request timeout.
     *
     * @param timeout the timeout
     * @throws IllegalArgumentException unless it is positive
     */
    public static void checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }
}
