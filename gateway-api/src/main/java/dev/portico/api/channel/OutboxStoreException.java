package dev.portico.api.channel;

/** An outbox store could not read or write its storage. */
public final class OutboxStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the underlying failure
     */
    public OutboxStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
