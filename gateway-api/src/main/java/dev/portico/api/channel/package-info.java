/**
 * Chat platforms: the {@link dev.portico.api.channel.Channel} SPI a platform adapter implements,
 * the messages that flow in and out through it, inbound webhook verification, and the
 * {@link dev.portico.api.channel.OutboxStore} SPI that keeps accepted messages until they are
 * delivered.
 */
package dev.portico.api.channel;
