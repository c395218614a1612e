/**
 * Authentication and exposure for Portico. {@link dev.portico.auth.TokenAuthenticator} checks
 * {@link dev.portico.auth.Credential}s (named tokens with roles or scopes, or a password) in
 * constant time; {@link dev.portico.auth.Tokens} generates tokens and stores them with mode 0600.
 * {@link dev.portico.auth.ClientAddress} and {@link dev.portico.auth.TrustedProxies} decide who a
 * client is behind proxies; {@link dev.portico.auth.FailedAuthLimiter} locks out guessing and
 * {@link dev.portico.auth.RateLimiter} keeps token buckets; {@link dev.portico.auth.OriginPolicy}
 * guards browsers (CORS, cross-site requests and WebSocket upgrades); and
 * {@link dev.portico.auth.SecurityAudit} reports unsafe settings.
 */
package dev.portico.auth;
