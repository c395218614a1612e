package dev.portico.api.auth;

import dev.portico.api.transport.HttpRequest;

/**
 * Turns the credential of a request into a {@link Principal}. Implementations compare secrets in
 * constant time and never log them.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates a request from its headers (and, where allowed, its query).
     *
     * @param request the request; its body is not read
     * @return authenticated, missing or rejected
     */
    AuthResult authenticate(HttpRequest request);
}
