package dev.portico.api.transport;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;

/** A transport failed to start or stop, for example because its port is in use. */
public class TransportException extends GatewayException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the address
     * @param cause the server's own failure
     */
    public TransportException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
