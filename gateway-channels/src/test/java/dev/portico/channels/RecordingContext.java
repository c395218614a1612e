package dev.portico.channels;

import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.ChannelState;
import dev.portico.api.channel.InboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link ChannelContext} for channel tests: records what a channel hands over and reports. */
public final class RecordingContext implements ChannelContext {
    /** A reported state. */
    public record Status(ChannelState state, String detail) {}

    private final Clock clock;
    private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
    private final List<Status> statuses = new CopyOnWriteArrayList<>();
    private final Map<String, String> state = new ConcurrentHashMap<>();

    /**
     * A context on a clock.
     *
     * @param clock the clock channels read
     */
    public RecordingContext(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void receive(InboundMessage message) {
        received.add(message);
    }

    @Override
    public void status(ChannelState s, String detail) {
        statuses.add(new Status(s, detail));
    }

    @Override
    public Optional<String> loadState(String key) {
        return Optional.ofNullable(state.get(key));
    }

    @Override
    public void saveState(String key, String value) {
        state.put(key, value);
    }

    /**
     * Waits for the next message handed over with {@link #receive}.
     *
     * @param timeout how long to wait
     * @return the message
     * @throws AssertionError when none came
     */
    public InboundMessage take(Duration timeout) throws InterruptedException {
        InboundMessage m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message was received within " + timeout);
        }
        return m;
    }

    /** @return the states reported so far */
    public List<Status> statuses() {
        return List.copyOf(statuses);
    }

    /** @return the kept state, by key */
    public Map<String, String> state() {
        return state;
    }
}
