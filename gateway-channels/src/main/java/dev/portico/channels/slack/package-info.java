/**
 * The Slack channel: {@link dev.portico.channels.slack.SlackChannel} receives messages and
 * mentions through the Events API, verified by Slack's request signature, and answers with
 * {@code chat.postMessage}.
 */
package dev.portico.channels.slack;
