package dev.portico.api.channel;

/** How a channel is doing, as {@code GET /api/status} and {@code channel.status} events report it. */
public enum ChannelState {
    /** Configured, not started yet. */
    STARTING,
    /** Receiving and sending. */
    RUNNING,
    /** Running, but the platform fails or refuses (polling errors, rate limits); the detail says why. */
    DEGRADED,
    /** Stopped with the gateway. */
    STOPPED;

    /**
     * The state as the API writes it.
     *
     * @return the lower-case name
     */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
