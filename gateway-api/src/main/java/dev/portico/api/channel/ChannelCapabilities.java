package dev.portico.api.channel;

/**
 * What a platform can show and how it may be sent to.
 *
 * @param maxMessageLength the longest text one message may carry, in the platform's unit
 *     (UTF-16 code units for Telegram, Slack and Discord); longer replies are split
 * @param threads whether messages can go to a thread of a chat
 * @param edits whether a sent message can be edited
 * @param markdown the markup the platform renders
 * @param idempotentSends whether the platform drops a repeated send of the same message (by its
 *     idempotency key), so that a send whose outcome is unknown may be repeated safely
 */
public record ChannelCapabilities(int maxMessageLength, boolean threads, boolean edits, Markdown markdown,
        boolean idempotentSends) {

    /** The markup flavours of the platforms. */
    public enum Markdown {
        /** Plain text. */
        NONE,
        /** CommonMark. */
        COMMONMARK,
        /** Telegram's MarkdownV2. */
        TELEGRAM,
        /** Slack's mrkdwn. */
        SLACK,
        /** Discord's markdown. */
        DISCORD
    }

    /**
     * Validates.
     *
     * @param maxMessageLength &gt; 0
     * @param threads whether threads exist
     * @param edits whether edits exist
     * @param markdown not null
     * @param idempotentSends whether repeated sends are dropped
     */
    public ChannelCapabilities {
        if (maxMessageLength <= 0) {
            throw new IllegalArgumentException("maxMessageLength: " + maxMessageLength + " (expected: > 0)");
        }
        java.util.Objects.requireNonNull(markdown, "markdown");
    }
}
