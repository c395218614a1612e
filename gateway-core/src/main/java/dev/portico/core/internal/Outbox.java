package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import dev.portico.api.channel.OutboxStoreException;
import dev.portico.cron.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Delivers the messages the gateway has accepted for its channels, at least once, in order per
 * chat, from a durable {@link OutboxStore}.
 *
 * <p>A message is kept by the store before {@link #enqueue} returns, so a caller is answered only
 * for a message that survives a restart. Each chat is a lane: its messages go one after the other,
 * and a message waiting for a retry holds back the later ones of its chat, never another chat's.
 * One scheduler thread hands lanes whose head is due to delivery threads (virtual, at most
 * {@code concurrency} at once), which send the head's parts, record the outcome, and go on with
 * the lane's next message while it is due.
 *
 * <p>Outcomes: a {@link DeliveryResult.Retry} with a wait is retried after exactly that wait; one
 * without, after an exponential backoff with ±20% jitter; a {@link DeliveryResult.Unknown} is
 * retried the same way only on a channel whose sends are idempotent, and otherwise ends the
 * message as {@code unknown} rather than risk a duplicate. A message not delivered within the
 * expiry ends as {@code expired} instead of going out stale. A message that is split is sent part
 * by part, and a retry resumes at the part that failed.
 */
final class Outbox {
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    /** The longest the scheduler sleeps, so that a jump of the wall clock is noticed. */
    private static final long MAX_WAIT_MILLIS = 1000;
    /** Finished messages kept for {@code GET /api/message/:id}. */
    private static final int RECENT = 10_000;
    /** Idempotency keys remembered; the store keeps them across restarts within its retention. */
    private static final int MAX_KEYS = 100_000;
    private static final int KEY_STRIPES = 64;
    /** The first wait after a failed send without a wait of its own; it doubles with each failure. */
    static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    /** The longest wait between tries. */
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

    /** Settings of the outbox. */
    record Settings(Duration expiry, int concurrency, Duration backoffBase, Duration backoffMax) {}

    /** A message accepted, or the first answer to a repeated request. */
    record Accepted(OutboxMessage message, boolean replayed) {}

    private record LaneKey(String channel, String account, String chat) {}

    private record Wake(long at, LaneKey lane) {}

    /** A try's result: the message as it now stands, how the try ended, and the event that reports it. */
    private record Outcome(OutboxMessage message, Metrics.SendResult result, Map<String, Object> event) {}

    private static final class Lane {
        final ArrayDeque<String> ids = new ArrayDeque<>();
        boolean busy;
    }

    private final OutboxStore store;
    private final BiFunction<String, String, Optional<Channel>> channels;
    private final EventBus bus;
    private final Clock clock;
    private final Settings settings;
    private final Metrics metrics;
    private final Object[] keyLocks = new Object[KEY_STRIPES];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, OutboxMessage> pending = new HashMap<>();
    private final LinkedHashMap<String, OutboxMessage> recent = new LinkedHashMap<>();
    private final LinkedHashMap<String, OutboxMessage> byKey = new LinkedHashMap<>();
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    private final PriorityQueue<Wake> timeline = new PriorityQueue<>(Comparator.comparingLong(Wake::at));
    private int active;
    private boolean running;
    private boolean stopped;
    private Thread scheduler;
    private ExecutorService workers;

    /**
     * @param store keeps the messages
     * @param channels finds a channel by name and account
     * @param bus receives {@code message.outbound} and {@code message.delivery} events
     * @param clock reads now
     * @param settings expiry, concurrency and backoff
     * @param metrics counts the tries and their outcomes
     */
    Outbox(OutboxStore store, BiFunction<String, String, Optional<Channel>> channels, EventBus bus, Clock clock,
            Settings settings, Metrics metrics) {
        this.store = store;
        this.channels = channels;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
        for (int i = 0; i < KEY_STRIPES; i++) {
            keyLocks[i] = new Object();
        }
    }

    /**
     * Loads the store's messages. From then on messages are accepted; they are delivered once
     * {@link #deliver()} is called, when the channels can send.
     */
    void start() {
        List<OutboxMessage> loaded = store.load();
        lock.lock();
        try {
            for (OutboxMessage m : loaded) {
                m.idempotencyKey().ifPresent(k -> remember(k, m));
                if (m.status().terminal()) {
                    keepRecent(m);
                } else {
                    schedule(m);
                }
            }
            running = true;
        } finally {
            lock.unlock();
        }
        long resumed = loaded.stream().filter(m -> !m.status().terminal()).count();
        if (resumed > 0) {
            LOG.log(System.Logger.Level.INFO, "outbox: " + resumed + " pending messages resumed");
        }
    }

    /** Starts delivering: the pending messages, then each one accepted. */
    void deliver() {
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("portico-outbox-", 0).factory());
        scheduler = Thread.ofPlatform().name("portico-outbox").daemon().start(this::loop);
    }

    /**
     * Accepts a message: keeps it in the store, then queues it behind its chat's earlier messages.
     * With an idempotency key already used, returns the first message instead when the request is
     * the same ({@code fingerprint}), and refuses it when it is not.
     *
     * @param draft the message, pending
     * @return the message accepted, or the first one for the key
     * @throws GatewayException {@code CONFLICT} for a key reused with another request;
     *     {@code UNAVAILABLE} when the store cannot keep it or the outbox has stopped
     */
    Accepted enqueue(OutboxMessage draft) {
        if (draft.idempotencyKey().isEmpty()) {
            return new Accepted(add(draft), false);
        }
        String key = draft.idempotencyKey().get();
        synchronized (keyLocks[Math.floorMod(key.hashCode(), KEY_STRIPES)]) {
            OutboxMessage first;
            lock.lock();
            try {
                first = byKey.get(key);
            } finally {
                lock.unlock();
            }
            if (first != null) {
                if (!first.fingerprint().equals(draft.fingerprint())) {
                    throw new GatewayException(ErrorCode.CONFLICT, "Idempotency-Key: already used for another "
                            + "request (message " + first.id() + "); use a new key for a new message");
                }
                return new Accepted(find(first.id()).orElse(first), true);
            }
            return new Accepted(add(draft), false);
        }
    }

    private OutboxMessage add(OutboxMessage m) {
        lock.lock();
        try {
            if (stopped) {
                throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
            }
        } finally {
            lock.unlock();
        }
        try {
            store.add(m);
        } catch (OutboxStoreException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: message could not be kept", e);
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the message could not be queued: the outbox "
                    + "cannot write its storage; nothing was sent");
        }
        lock.lock();
        try {
            m.idempotencyKey().ifPresent(k -> remember(k, m));
            schedule(m);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        bus.publish("message.outbound", () -> {
            Map<String, Object> data = base(m);
            data.put("source", m.source());
            return data;
        });
        return m;
    }

    /**
     * A message by id: pending, or finished recently.
     *
     * @param id the id
     * @return the message as it stands
     */
    Optional<OutboxMessage> find(String id) {
        lock.lock();
        try {
            OutboxMessage m = pending.get(id);
            return Optional.ofNullable(m != null ? m : recent.get(id));
        } finally {
            lock.unlock();
        }
    }

    /** @return how many messages wait for delivery */
    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops delivering: sends in progress get the drain time to finish, then are interrupted (their
     * messages stay pending and resume at the next start); then the store is flushed. The store is
     * not closed: whoever gave it to the gateway closes it, after the gateway has stopped.
     *
     * @param drain how long to wait for sends in progress
     */
    void stop(Duration drain) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            running = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (scheduler != null) {
            scheduler.interrupt();
            joinQuietly(scheduler);
            workers.shutdown();
            try {
                if (!workers.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                    workers.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        try {
            store.flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: the store could not be flushed", e);
        }
    }

    /** Queues a pending message in its lane; the lock is held. */
    private void schedule(OutboxMessage m) {
        pending.put(m.id(), m);
        LaneKey key = laneOf(m);
        lanes.computeIfAbsent(key, k -> new Lane()).ids.addLast(m.id());
        timeline.add(new Wake(dueAt(m), key));
    }

    private long dueAt(OutboxMessage m) {
        return Math.min(m.nextAttempt().toEpochMilli(), deadline(m).toEpochMilli());
    }

    private Instant deadline(OutboxMessage m) {
        return m.createdAt().plus(settings.expiry());
    }

    private void remember(String key, OutboxMessage m) {
        byKey.put(key, m);
        if (byKey.size() > MAX_KEYS) {
            byKey.pollFirstEntry();
        }
    }

    private void keepRecent(OutboxMessage m) {
        recent.put(m.id(), m);
        if (recent.size() > RECENT) {
            recent.pollFirstEntry();
        }
    }

    private static LaneKey laneOf(OutboxMessage m) {
        return new LaneKey(m.channel(), m.accountId(), m.chatId() + m.threadId().map(t -> "#" + t).orElse(""));
    }

    /** The scheduler: hands each lane whose head is due to a delivery thread. */
    private void loop() {
        lock.lock();
        try {
            while (running) {
                long now = clock.millis();
                while (running && active < settings.concurrency() && !timeline.isEmpty() && timeline.peek().at() <= now) {
                    Wake w = timeline.poll();
                    Lane lane = lanes.get(w.lane());
                    if (lane == null || lane.busy || lane.ids.isEmpty()) {
                        continue;
                    }
                    OutboxMessage head = pending.get(lane.ids.peekFirst());
                    if (dueAt(head) > now) {
                        timeline.add(new Wake(dueAt(head), w.lane()));
                        continue;
                    }
                    lane.busy = true;
                    active++;
                    workers.execute(() -> work(w.lane(), lane));
                }
                long wait = MAX_WAIT_MILLIS;
                if (active < settings.concurrency() && !timeline.isEmpty()) {
                    wait = Math.clamp(timeline.peek().at() - now, 1, MAX_WAIT_MILLIS);
                }
                try {
                    changed.await(wait, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Delivers a lane's due messages, one after the other. */
    private void work(LaneKey key, Lane lane) {
        try {
            while (true) {
                OutboxMessage head;
                lock.lock();
                try {
                    String id = running ? lane.ids.peekFirst() : null;
                    head = id == null ? null : pending.get(id);
                    if (head == null || dueAt(head) > clock.millis()) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                Outcome outcome = attempt(head);
                OutboxMessage after = outcome.message();
                lock.lock();
                try {
                    if (after.status().terminal()) {
                        pending.remove(after.id());
                        lane.ids.pollFirst();
                        keepRecent(after);
                        after.idempotencyKey().ifPresent(k -> byKey.computeIfPresent(k, (k2, v) -> after));
                    } else {
                        pending.put(after.id(), after);
                    }
                } finally {
                    lock.unlock();
                }
                record(after);
                metrics.outboxSend(after.channel(), outcome.result());
                // Published once the outcome is what find() answers.
                bus.publish("message.delivery", outcome::event);
            }
        } catch (InterruptedException e) {
            // Stopping: the message stays pending, as it was before the send, and resumes next start.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: delivery of chat " + key.chat() + " on " + key.channel()
                    + " failed unexpectedly", e);
        } finally {
            lock.lock();
            try {
                lane.busy = false;
                active--;
                // The lane's next message (one that was enqueued while this thread held the lane,
                // or one waiting for a retry) needs its own wake: the scheduler drops a wake for a
                // busy lane.
                OutboxMessage next = lane.ids.isEmpty() ? null : pending.get(lane.ids.peekFirst());
                if (next == null) {
                    lanes.remove(key);
                } else {
                    timeline.add(new Wake(dueAt(next), key));
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void record(OutboxMessage m) {
        try {
            store.update(m);
        } catch (OutboxStoreException e) {
            // The message is delivered or retried as recorded in memory; after a crash the store's
            // older record makes it go again (at least once, never lost).
            LOG.log(System.Logger.Level.ERROR, "outbox: progress of message " + m.id() + " could not be recorded", e);
        }
    }

    /** One try at the head of a lane: its remaining parts, until one does not go through. */
    private Outcome attempt(OutboxMessage m) throws InterruptedException {
        Instant now = clock.instant();
        if (!now.isBefore(deadline(m))) {
            return finish(m, DeliveryStatus.EXPIRED, "not delivered within " + Durations.describe(settings.expiry())
                    + m.lastError().map(e -> " (last error: " + e + ")").orElse(""), m.attempts());
        }
        Optional<Channel> found = channels.apply(m.channel(), m.accountId());
        if (found.isEmpty()) {
            return finish(m, DeliveryStatus.FAILED, "channel " + m.channel() + " (account " + m.accountId()
                    + ") is not configured", m.attempts());
        }
        Channel channel = found.get();
        if (m.attempts() > 0) {
            metrics.outboxRetry(m.channel());
        }
        List<String> parts = TextSplitter.split(m.text(), channel.capabilities().maxMessageLength());
        OutboxMessage current = m;
        for (int part = m.partsSent(); part < parts.size(); part++) {
            int attempt = current.attempts() + 1;
            DeliveryResult result;
            try {
                result = channel.send(new OutboundMessage(m.id(), parts.size() == 1 ? m.id() : m.id() + ":" + (part + 1),
                        m.chatId(), m.threadId(), parts.get(part), m.replyContext(), attempt));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "outbox: channel " + m.channel() + " failed to send message "
                        + m.id(), e);
                result = DeliveryResult.retry("the channel failed: " + e.getClass().getSimpleName());
            }
            int partNo = part + 1;
            switch (result) {
                case DeliveryResult.Delivered d -> {
                    current = current.progressed(partNo, 0, current.nextAttempt(), Optional.empty(),
                            d.platformMessageId().or(current::platformMessageId));
                    if (partNo < parts.size()) {
                        record(current);
                        Map<String, Object> event = delivery(current, "delivered", partNo, parts.size(), attempt, null, null);
                        bus.publish("message.delivery", () -> event);
                    } else {
                        OutboxMessage done = current.finished(DeliveryStatus.DELIVERED, Optional.empty());
                        return new Outcome(done, Metrics.SendResult.DELIVERED,
                                delivery(done, "delivered", partNo, parts.size(), attempt, null, null));
                    }
                }
                case DeliveryResult.Retry r -> {
                    return retry(current, part, parts.size(), attempt, r.after(), r.reason());
                }
                case DeliveryResult.Unknown u -> {
                    if (channel.capabilities().idempotentSends()) {
                        return retry(current, part, parts.size(), attempt, Optional.empty(), u.reason());
                    }
                    return finish(current, DeliveryStatus.UNKNOWN, "outcome unknown, not resent (the channel's sends "
                            + "are not idempotent): " + u.reason(), attempt);
                }
                case DeliveryResult.Failed f -> {
                    return finish(current, DeliveryStatus.FAILED, f.reason(), attempt);
                }
            }
        }
        // Nothing to send (a text of whitespace only).
        return new Outcome(current.finished(DeliveryStatus.DELIVERED, Optional.empty()), Metrics.SendResult.DELIVERED,
                delivery(current, "delivered", 0, 0, 0, null, null));
    }

    private Outcome retry(OutboxMessage m, int part, int parts, int attempt, Optional<Duration> after,
            String reason) {
        Duration wait = after.orElseGet(() -> backoff(attempt));
        OutboxMessage next = m.progressed(part, attempt, clock.instant().plus(wait), Optional.of(reason),
                m.platformMessageId());
        return new Outcome(next, Metrics.SendResult.RETRY,
                delivery(next, "retry", part + 1, parts, attempt, reason, wait));
    }

    private Outcome finish(OutboxMessage m, DeliveryStatus status, String reason, int attempt) {
        OutboxMessage done = m.finished(status, Optional.of(reason));
        LOG.log(System.Logger.Level.WARNING, "outbox: message " + m.id() + " to " + m.channel() + ":" + m.chatId() + " "
                + status.wireName() + ": " + reason);
        Metrics.SendResult result = switch (status) {
            case EXPIRED -> Metrics.SendResult.EXPIRED;
            case UNKNOWN -> Metrics.SendResult.UNKNOWN;
            case DELIVERED -> Metrics.SendResult.DELIVERED;
            case FAILED, PENDING -> Metrics.SendResult.FAILED;
        };
        return new Outcome(done, result, delivery(done, status.wireName(), 0, 0, attempt, reason, null));
    }

    /** The wait before try {@code attempt + 1} after a failure: base × 2^(attempt-1), capped, ±20%. */
    private Duration backoff(int attempt) {
        long base = settings.backoffBase().toMillis();
        long capped = Math.min(settings.backoffMax().toMillis(), base << Math.min(attempt - 1, 30));
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
    }

    /** The data of a {@code message.delivery} event. */
    private static Map<String, Object> delivery(OutboxMessage m, String status, int part, int parts, int attempt,
            String error, Duration retryIn) {
        Map<String, Object> data = base(m);
        data.put("status", status);
        data.put("attempt", attempt);
        if (parts > 1) {
            data.put("part", part);
            data.put("parts", parts);
        }
        m.platformMessageId().ifPresent(p -> data.put("platform_message_id", p));
        if (error != null) {
            data.put("error", error);
        }
        if (retryIn != null) {
            data.put("retry_in_ms", retryIn.toMillis());
        }
        return data;
    }

    private static Map<String, Object> base(OutboxMessage m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message_id", m.id());
        data.put("channel", m.channel());
        data.put("account", m.accountId());
        data.put("chat_id", m.chatId());
        m.threadId().ifPresent(t -> data.put("thread_id", t));
        return data;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
