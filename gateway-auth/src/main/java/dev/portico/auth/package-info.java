/**
 * Authenticators for Portico. {@link dev.portico.auth.TokenAuthenticator} checks one token in
 * constant time; {@link dev.portico.auth.Tokens} generates tokens and stores them with mode 0600.
 */
package dev.portico.auth;
