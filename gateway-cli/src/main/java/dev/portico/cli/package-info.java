/**
 * The packaged server and operator CLI: {@code portico gateway} runs the gateway in the foreground
 * on Helidon or Undertow, with the config file mapped onto the embedding API's builders and the
 * sessions and scheduled jobs kept in the state directory; {@code portico security audit} checks
 * its settings; {@code portico cron} manages the scheduled jobs of a running gateway over HTTP.
 */
package dev.portico.cli;
