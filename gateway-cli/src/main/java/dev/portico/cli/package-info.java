/**
 * The packaged server and operator CLI: {@code portico gateway} runs the gateway in the foreground
 * on Helidon or Undertow, with the config file mapped onto the embedding API's builders.
 */
package dev.portico.cli;
