package dev.portico.api.channel;

import java.time.Clock;
import java.util.Optional;

/** What the gateway offers a channel it starts. */
public interface ChannelContext {
    /**
     * The gateway's clock, for signature windows and waits.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * Hands over messages the channel fetched itself (by polling): each is de-duplicated by its
     * event id, checked against the allow-list and answered by the agent, as a webhook's messages
     * are. Returns once they are accepted, not answered.
     *
     * @param message the message
     */
    void receive(InboundMessage message);

    /**
     * Reports a change of state; published as a {@code channel.status} event.
     *
     * @param state the new state
     * @param detail why, for an operator; empty when there is nothing to say
     */
    void status(ChannelState state, String detail);

    /**
     * A small value the channel keeps across restarts (a polling offset).
     *
     * @param key the name
     * @return the value last put, if any
     */
    Optional<String> loadState(String key);

    /**
     * Keeps a small value across restarts, durably when the call returns.
     *
     * @param key the name
     * @param value the value
     */
    void saveState(String key, String value);
}
