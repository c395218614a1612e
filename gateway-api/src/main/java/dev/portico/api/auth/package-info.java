/**
 * Authentication contracts: an {@link dev.portico.api.auth.Authenticator} turns a request's
 * credential into a {@link dev.portico.api.auth.Principal} whose {@link dev.portico.api.auth.Scope}s
 * every route checks.
 */
package dev.portico.api.auth;
