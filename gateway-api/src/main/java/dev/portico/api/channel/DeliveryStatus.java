package dev.portico.api.channel;

import java.util.Locale;

/** Where a message in the outbox stands. */
public enum DeliveryStatus {
    /** Accepted and not yet delivered: waiting for its first try or for a retry. */
    PENDING(false),
    /** Every part was taken by the platform. */
    DELIVERED(true),
    /** The platform refused it for good, or the channel is gone. */
    FAILED(true),
    /** A send was cut off after the request went out, on a channel whose sends are not idempotent. */
    UNKNOWN(true),
    /** It could not be delivered before it grew older than the outbox's expiry. */
    EXPIRED(true);

    private final boolean terminal;

    DeliveryStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /**
     * Whether the message is done with: no further attempt is made.
     *
     * @return true for every status but {@link #PENDING}
     */
    public boolean terminal() {
        return terminal;
    }

    /**
     * The status as the API writes it.
     *
     * @return the lower-case name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status of a wire name.
     *
     * @param wireName a lower-case name
     * @return the status
     * @throws IllegalArgumentException for an unknown name
     */
    public static DeliveryStatus fromWire(String wireName) {
        for (DeliveryStatus s : values()) {
            if (s.wireName().equals(wireName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("delivery status: " + wireName);
    }
}
