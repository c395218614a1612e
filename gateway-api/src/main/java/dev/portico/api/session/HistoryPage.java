package dev.portico.api.session;

import java.util.List;
import java.util.Objects;

/**
 * A page of a session's messages, oldest first. Message {@code i} of the page has the index
 * {@code firstIndex + i} in the whole transcript (0 is the first message ever appended), which a
 * client passes back as {@code before} to read the page before this one.
 *
 * @param messages the messages, oldest first
 * @param firstIndex the transcript index of the first message of the page
 * @param total how many messages the session holds
 */
public record HistoryPage(List<Message> messages, long firstIndex, long total) {

    /**
     * Validates and copies.
     *
     * @param messages the messages
     * @param firstIndex the index of the first one
     * @param total the session's message count
     */
    public HistoryPage {
        messages = List.copyOf(messages);
        if (firstIndex < 0 || total < 0) {
            throw new IllegalArgumentException("firstIndex and total must be >= 0");
        }
        Objects.requireNonNull(messages, "messages");
    }

    /** An empty page. */
    public static final HistoryPage EMPTY = new HistoryPage(List.of(), 0, 0);
}
