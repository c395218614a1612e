package dev.portico.api.cron;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a job's reply goes besides its session.
 *
 * @param mode none, or announce to a chat on a channel
 * @param channel the channel, for {@link Mode#ANNOUNCE}
 * @param to the chat on that channel, for {@link Mode#ANNOUNCE}
 */
public record Delivery(Mode mode, Optional<String> channel, Optional<String> to) {

    /** Nothing is sent anywhere: the reply stays in the job's session. */
    public static final Delivery NONE = new Delivery(Mode.NONE, Optional.empty(), Optional.empty());

    /** How the reply is delivered. */
    public enum Mode {
        /** Not delivered. */
        NONE,
        /** Sent to a chat on a channel. */
        ANNOUNCE
    }

    /**
     * Validates the parts: an announcement names its channel and chat.
     *
     * @param mode the mode
     * @param channel the channel
     * @param to the chat
     */
    public Delivery {
        Objects.requireNonNull(mode, "mode");
        channel = Objects.requireNonNull(channel, "channel").map(String::strip).filter(s -> !s.isEmpty());
        to = Objects.requireNonNull(to, "to").map(String::strip).filter(s -> !s.isEmpty());
        if (mode == Mode.ANNOUNCE && (channel.isEmpty() || to.isEmpty())) {
            throw new IllegalArgumentException("delivery: announce needs a channel and a chat (expected: "
                    + "{\"mode\":\"announce\",\"channel\":\"telegram\",\"to\":\"<chat id>\"})");
        }
        if (mode == Mode.NONE) {
            channel = Optional.empty();
            to = Optional.empty();
        }
    }

    /**
     * An announcement to a chat.
     *
     * @param channel the channel
     * @param to the chat
     * @return the delivery
     */
    public static Delivery announce(String channel, String to) {
        return new Delivery(Mode.ANNOUNCE, Optional.ofNullable(channel), Optional.ofNullable(to));
    }
}
