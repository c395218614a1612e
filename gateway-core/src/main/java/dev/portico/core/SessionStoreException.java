package dev.portico.core;

/**
 * A session store could not read or write its files: the disk is full, a permission is missing,
 * a file was removed under it. The message names the file and the cause for the operator's log.
 *
 * <p>Not a {@link dev.portico.api.GatewayException} on purpose: those messages go to clients, and
 * a path on the server is not theirs to see. The gateway logs this exception and answers
 * {@code 500 INTERNAL_ERROR} ("internal error").
 */
public final class SessionStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the file
     * @param cause the underlying failure
     */
    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception without an underlying cause.
     *
     * @param message what failed, naming the file
     */
    public SessionStoreException(String message) {
        super(message);
    }
}
