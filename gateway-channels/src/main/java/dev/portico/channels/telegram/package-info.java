/**
 * Telegram's Bot API as a channel: updates by long polling ({@code getUpdates}, with the offset
 * kept across restarts) or by webhook (checked by its secret token), replies by
 * {@code sendMessage}. See {@link dev.portico.channels.telegram.TelegramChannel}.
 */
package dev.portico.channels.telegram;
