/**
 * Discord as a channel: slash-command interactions by webhook (checked by their Ed25519
 * signature), replies as interaction follow-ups or channel messages, within Discord's rate-limit
 * buckets. See {@link dev.portico.channels.discord.DiscordChannel}.
 */
package dev.portico.channels.discord;
