/**
 * Chat platform channels for Portico, one package each ({@code webhook}, {@code telegram},
 * {@code slack}, {@code discord}), and what they share: {@link dev.portico.channels.PlatformHttp},
 * the HTTP client that turns a platform's answers into delivery results, and
 * {@link dev.portico.channels.JsonBodies}, the strict reader of the JSON bodies webhooks receive.
 */
package dev.portico.channels;
