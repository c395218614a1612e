package dev.portico.api.cron;

/** A job store could not read or write its storage. */
public class JobStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, and where
     * @param cause the cause
     */
    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
