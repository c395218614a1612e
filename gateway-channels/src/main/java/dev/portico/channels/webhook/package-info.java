/**
 * The generic webhook channel: {@link dev.portico.channels.webhook.WebhookChannel} takes signed
 * JSON messages from any sender (HMAC-SHA256 as GitHub signs, or Standard Webhooks) and POSTs the
 * replies, signed the same way, to a callback URL.
 */
package dev.portico.channels.webhook;
