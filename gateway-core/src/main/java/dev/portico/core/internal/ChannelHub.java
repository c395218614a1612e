package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.ChannelState;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import dev.portico.api.session.SessionKey;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gateway's channels: starts and stops them, turns what they receive into conversation turns
 * (de-duplicated by event id, checked against the allow-list, one chat's messages answered in the
 * order they came), and sends the replies through the {@link Outbox}.
 */
final class ChannelHub {
    private static final System.Logger LOG = System.getLogger(ChannelHub.class.getName());

    /** A channel and how it is doing. */
    static final class Entry {
        final Channel channel;
        volatile ChannelState state = ChannelState.STARTING;
        volatile String detail = "";
        volatile Instant since;

        Entry(Channel channel, Instant since) {
            this.channel = channel;
            this.since = since;
        }
    }

    /** Replaced whole when the gateway is reconfigured. */
    private volatile Map<String, Entry> channels = new LinkedHashMap<>();
    private final Conversations conversations;
    private final EventBus bus;
    private final Clock clock;
    private final Optional<Path> stateDirectory;
    private final Outbox outbox;
    private final EventDedupe dedupe;
    private final Map<SessionKey, CompletableFuture<Void>> chatTails = new ConcurrentHashMap<>();
    private final ExecutorService turns = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("portico-channel-turn-", 0).factory());
    private final List<Entry> started = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    /**
     * @param channels the channels, each (name, account) once
     * @param conversations runs the turns
     * @param bus receives the channel and message events
     * @param clock reads now
     * @param stateDirectory where channels keep their small state; in memory when empty
     * @param store keeps the outbox's messages
     * @param settings the outbox's settings
     * @param metrics counts the outbox's tries
     */
    ChannelHub(List<Channel> channels, Conversations conversations, EventBus bus, Clock clock,
            Optional<Path> stateDirectory, OutboxStore store, Outbox.Settings settings, Metrics metrics) {
        this.channels = entries(channels, Map.of(), clock);
        this.conversations = conversations;
        this.bus = bus;
        this.clock = clock;
        this.stateDirectory = stateDirectory;
        this.dedupe = new EventDedupe(clock, EventDedupe.WINDOW, EventDedupe.MAX_IDS);
        this.outbox = new Outbox(store, this::find, bus, clock, settings, metrics);
    }

    /** Entries for the channels, reusing the entry of a channel instance already there. */
    private static Map<String, Entry> entries(List<Channel> channels, Map<String, Entry> current, Clock clock) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Channel c : channels) {
            String key = key(c.name(), c.accountId());
            Entry existing = current.get(key);
            Entry e = existing != null && existing.channel == c ? existing : new Entry(c, clock.instant());
            if (out.put(key, e) != null) {
                throw new IllegalArgumentException("channel " + c.name() + " (account " + c.accountId()
                        + "): configured twice");
            }
        }
        return out;
    }

    /**
     * Changes the channels while the gateway runs: an instance given again keeps running; one that
     * is no longer given, or replaced by another instance under its name and account, stops; new
     * instances start once those they replace have stopped. A channel that cannot start is reported
     * {@code degraded} with the reason; the others run.
     *
     * @param next the channels from now on
     * @throws IllegalArgumentException when a name and account are given twice
     */
    synchronized void replace(List<Channel> next) {
        if (stopping) {
            return;
        }
        Map<String, Entry> current = channels;
        Map<String, Entry> updated = entries(next, current, clock);
        for (Entry old : current.values()) {
            if (updated.get(key(old.channel.name(), old.channel.accountId())) != old) {
                stopChannel(old);
            }
        }
        channels = updated;
        for (Entry e : updated.values()) {
            if (current.get(key(e.channel.name(), e.channel.accountId())) == e) {
                continue;
            }
            try {
                e.channel.start(new Context(e));
                started.add(e);
                if (e.state == ChannelState.STARTING) {
                    setState(e, ChannelState.RUNNING, "");
                }
                LOG.log(System.Logger.Level.INFO, "channel " + e.channel.name() + " (account " + e.channel.accountId()
                        + ") started");
            } catch (Exception ex) {
                LOG.log(System.Logger.Level.ERROR, "channel " + e.channel.name() + " (account "
                        + e.channel.accountId() + ") could not start: " + ex.getMessage());
                setState(e, ChannelState.DEGRADED, "could not start: " + ex.getMessage());
            }
        }
    }

    private void stopChannel(Entry e) {
        try {
            e.channel.stop();
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "channel " + e.channel.name() + " did not stop cleanly", ex);
        }
        started.remove(e);
        setState(e, ChannelState.STOPPED, "");
    }

    private static String key(String name, String account) {
        return name + "\n" + account;
    }

    /** @return the outbox the replies go through */
    Outbox outbox() {
        return outbox;
    }

    /**
     * A channel by name and account.
     *
     * @param name the name
     * @param account the account
     * @return the channel, when configured
     */
    Optional<Channel> find(String name, String account) {
        Entry e = channels.get(key(name, account));
        return e == null ? Optional.empty() : Optional.of(e.channel);
    }

    /**
     * A channel by name and account, for a request.
     *
     * @throws GatewayException {@code CHANNEL_NOT_FOUND} naming the configured channels
     */
    Channel require(String name, String account) {
        return find(name, account).orElseThrow(() -> new GatewayException(ErrorCode.CHANNEL_NOT_FOUND,
                "channel: " + name + (Channel.DEFAULT_ACCOUNT.equals(account) ? "" : " (account " + account + ")")
                        + " is not configured" + (channels.isEmpty() ? " (no channels are configured)"
                                : " (configured: " + String.join(", ", names()) + ")")));
    }

    private List<String> names() {
        return channels.values().stream().map(e -> e.channel.name()
                + (Channel.DEFAULT_ACCOUNT.equals(e.channel.accountId()) ? "" : ":" + e.channel.accountId())).toList();
    }

    /** @return every channel with its state, in configuration order */
    List<Entry> entries() {
        return List.copyOf(channels.values());
    }

    /**
     * Loads the outbox, starts every channel, then starts delivering; when a channel cannot start,
     * those started are stopped and the gateway does not start.
     *
     * @throws IllegalStateException naming the channel that could not start and why
     */
    void start() {
        outbox.start();
        for (Entry e : channels.values()) {
            try {
                e.channel.start(new Context(e));
                started.add(e);
                if (e.state == ChannelState.STARTING) {
                    setState(e, ChannelState.RUNNING, "");
                }
            } catch (Exception ex) {
                stop(Duration.ZERO);
                throw new IllegalStateException("channel " + e.channel.name() + " (" + e.channel.kind() + ", account "
                        + e.channel.accountId() + ") could not start: " + ex.getMessage(), ex);
            }
        }
        outbox.deliver();
    }

    /**
     * Stops: what the channels receive from now on is refused (a poller keeps its offset, a
     * platform sees {@code 503} and sends it again), turns in progress are interrupted, sends in
     * progress get the drain time with their channels still running, and then the channels stop.
     *
     * @param drain how long sends in progress may take
     */
    void stop(Duration drain) {
        stopping = true;
        turns.shutdownNow();
        outbox.stop(drain);
        synchronized (this) {
            for (Entry e : List.copyOf(started)) {
                stopChannel(e);
            }
        }
    }

    /**
     * Answers what a channel received: each new, allowed message becomes a turn in its chat's
     * session, whose reply goes to the outbox. Returns at once; the turns run on their own.
     *
     * @param channel the channel
     * @param messages what it received
     * @throws GatewayException {@code UNAVAILABLE} once the gateway is stopping: nothing was accepted
     */
    void accept(Channel channel, List<InboundMessage> messages) {
        if (stopping) {
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
        }
        for (InboundMessage m : messages) {
            if (!dedupe.firstSeen(channel.name() + "\n" + channel.accountId() + "\n" + m.eventId())) {
                LOG.log(System.Logger.Level.DEBUG, "channel " + channel.name() + ": event " + m.eventId()
                        + " already seen, ignored");
                continue;
            }
            if (!channel.allowList().allows(m.chatId(), m.userId())) {
                LOG.log(System.Logger.Level.INFO, "channel " + channel.name() + ": message from user " + m.userId()
                        + " in chat " + m.chatId() + " ignored: not on the allow-list");
                continue;
            }
            SessionKey session;
            try {
                session = sessionOf(channel, m.chatId(), m.threadId());
            } catch (GatewayException e) {
                LOG.log(System.Logger.Level.WARNING, "channel " + channel.name() + ": message ignored: " + e.getMessage());
                continue;
            }
            bus.publish("message.inbound", () -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("channel", channel.name());
                data.put("account", channel.accountId());
                data.put("chat_id", m.chatId());
                m.threadId().ifPresent(t -> data.put("thread_id", t));
                data.put("user_id", m.userId());
                data.put("event_id", m.eventId());
                data.put("session", session.value());
                return data;
            });
            inOrder(session, () -> answer(channel, m, session));
        }
    }

    /** Runs a chat's turns one after the other, in the order their messages came. */
    private void inOrder(SessionKey session, Runnable task) {
        CompletableFuture<Void> tail = chatTails.compute(session, (k, prev) ->
                (prev == null ? CompletableFuture.<Void>completedFuture(null) : prev).thenRunAsync(task, turns)
                        .exceptionally(e -> null));
        tail.whenComplete((v, e) -> chatTails.remove(session, tail));
    }

    private void answer(Channel channel, InboundMessage m, SessionKey session) {
        Run run = conversations.run(session, m.text());
        Optional<AgentEvent> end;
        try {
            end = run.await(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String reply = switch (end.orElse(null)) {
            case AgentEvent.Completed c -> c.reply();
            case AgentEvent.Failed f -> "The agent could not answer this message: " + f.message();
            case null, default -> null;
        };
        if (reply == null || reply.isBlank()) {
            return;
        }
        try {
            queue(channel, m.chatId(), m.threadId(), reply, m.replyContext(), "reply", Optional.empty(), Optional.empty());
        } catch (GatewayException e) {
            LOG.log(System.Logger.Level.WARNING, "channel " + channel.name() + ": the reply to chat " + m.chatId()
                    + " was not queued: " + e.getMessage());
        }
    }

    /**
     * Queues a message for a chat, durably.
     *
     * @return the message accepted, or the first answer to a repeated idempotency key
     */
    Outbox.Accepted queue(Channel channel, String chatId, Optional<String> threadId, String text,
            Map<String, String> replyContext, String source, Optional<String> idempotencyKey,
            Optional<String> fingerprint) {
        return outbox.enqueue(OutboxMessage.pending(Ids.uuid(), channel.name(), channel.accountId(), chatId, threadId,
                text, replyContext, source, idempotencyKey, fingerprint, clock.instant()));
    }

    /**
     * The session of a chat: {@code <channel>:<account>:<chat>[:thread:<thread>]}.
     *
     * @throws GatewayException {@code INVALID_REQUEST} when the ids make no valid session key
     */
    static SessionKey sessionOf(Channel channel, String chatId, Optional<String> threadId) {
        String key = channel.name() + ":" + channel.accountId() + ":" + chatId + threadId.map(t -> ":thread:" + t).orElse("");
        if (!SessionKey.isValid(key)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "chat_id: \"" + chatId + "\"" + threadId.map(t ->
                    " with thread \"" + t + "\"").orElse("") + " makes no valid session key (expected: at most 200 "
                    + "characters of A-Z a-z 0-9 _ . : @ + - in all)");
        }
        return SessionKey.of(key);
    }

    private void setState(Entry e, ChannelState state, String detail) {
        if (e.state == state && e.detail.equals(detail)) {
            return;
        }
        e.state = state;
        e.detail = detail;
        e.since = clock.instant();
        bus.publish("channel.status", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("channel", e.channel.name());
            data.put("kind", e.channel.kind());
            data.put("account", e.channel.accountId());
            data.put("state", state.wireName());
            if (!detail.isEmpty()) {
                data.put("detail", detail);
            }
            return data;
        });
        System.Logger.Level level = state == ChannelState.DEGRADED ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
        LOG.log(level, "channel " + e.channel.name() + " (" + e.channel.accountId() + "): " + state.wireName()
                + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** What one channel is offered. */
    private final class Context implements ChannelContext {
        private final Entry entry;
        private final Map<String, String> memory = new ConcurrentHashMap<>();

        Context(Entry entry) {
            this.entry = entry;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public void receive(InboundMessage message) {
            accept(entry.channel, List.of(message));
        }

        @Override
        public void status(ChannelState state, String detail) {
            setState(entry, state, detail == null ? "" : detail);
        }

        @Override
        public Optional<String> loadState(String key) {
            if (stateDirectory.isEmpty()) {
                return Optional.ofNullable(memory.get(key));
            }
            return Optional.ofNullable(readState().get(key));
        }

        @Override
        public synchronized void saveState(String key, String value) {
            if (stateDirectory.isEmpty()) {
                memory.put(key, value);
                return;
            }
            Map<String, String> all = new TreeMap<>(readState());
            all.put(key, value);
            try {
                Files.createDirectories(stateDirectory.get());
                AtomicFile.replace(stateFile(), JsonCodec.writeBytes(all), Syncer.system());
            } catch (IOException e) {
                throw new UncheckedIOException("channel state " + stateFile() + " could not be written", e);
            }
        }

        private Path stateFile() {
            return stateDirectory.orElseThrow().resolve(entry.channel.name() + "." + entry.channel.accountId() + ".json");
        }

        private Map<String, String> readState() {
            Path file = stateFile();
            try {
                JsonObject o = JsonCodec.parseObject(Files.readAllBytes(file));
                Map<String, String> out = new TreeMap<>();
                o.forEach((k, v) -> {
                    if (v instanceof JsonString s) {
                        out.put(k, s.getString());
                    }
                });
                return out;
            } catch (NoSuchFileException e) {
                return Map.of();
            } catch (IOException e) {
                throw new UncheckedIOException("channel state " + file + " could not be read", e);
            } catch (GatewayException e) {
                LOG.log(System.Logger.Level.WARNING, "channel state " + file + " is not valid JSON; starting afresh");
                return Map.of();
            }
        }
    }
}
