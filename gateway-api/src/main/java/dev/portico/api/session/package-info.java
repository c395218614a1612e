/**
 * Conversations: {@link dev.portico.api.session.SessionKey}, {@link dev.portico.api.session.Message}
 * and the {@link dev.portico.api.session.SessionStore} SPI that keeps them.
 */
package dev.portico.api.session;
