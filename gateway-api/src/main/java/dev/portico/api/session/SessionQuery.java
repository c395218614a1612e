package dev.portico.api.session;

import java.util.Objects;
import java.util.Optional;

/**
 * Which sessions {@link SessionStore#list(SessionQuery)} returns: most recently updated first.
 *
 * @param channel only this channel, when present
 * @param includeInternal whether internal sessions (cron, heartbeat) are included
 * @param offset how many to skip, &gt;= 0
 * @param limit how many at most, &gt; 0
 */
public record SessionQuery(Optional<String> channel, boolean includeInternal, int offset, int limit) {

    /**
     * Validates the parts.
     *
     * @param channel the channel filter
     * @param includeInternal whether internal sessions are included
     * @param offset the offset
     * @param limit the limit
     */
    public SessionQuery {
        Objects.requireNonNull(channel, "channel");
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
    }

    /**
     * Every non-internal session, up to {@code limit}.
     *
     * @param limit how many at most
     * @return the query
     */
    public static SessionQuery all(int limit) {
        return new SessionQuery(Optional.empty(), false, 0, limit);
    }

    /**
     * Whether a session passes the filters (offset and limit aside).
     *
     * @param info the session
     * @return true when it is selected
     */
    public boolean matches(SessionInfo info) {
        return (includeInternal || !info.internal()) && channel.map(c -> c.equals(info.channel())).orElse(true);
    }
}
