/**
 * The public contracts of Portico. The root package holds the error model shared by every module:
 * {@link dev.portico.api.ErrorCode} and {@link dev.portico.api.GatewayException}. Sub-packages hold the
 * transport SPI, the agent contract, sessions, authentication and events.
 *
 * <p>This module depends on the JDK only.
 */
package dev.portico.api;
