package dev.portico.core.internal;

import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A channel for tests: answers each send with the next scripted result (delivered when none is
 * left) and records what it was asked to send. Like the built-in channels, it refuses to send
 * unless started. Its webhook takes {@code <chat>|<event>|<text>} with the header
 * {@code X-Test-Secret: secret}.
 */
class ScriptedChannel implements Channel {
    private final String name;
    private final int maxLength;
    private final boolean idempotent;
    private final Deque<DeliveryResult> script = new ArrayDeque<>();
    private final BlockingQueue<OutboundMessage> sent = new LinkedBlockingQueue<>();
    volatile ChannelContext context;
    private volatile boolean started;
    private volatile CountDownLatch hold;
    private final CountDownLatch sending = new CountDownLatch(1);
    /** "sent <message id>" once a send returns, "stopped" once stopped, in the order they happened. */
    final List<String> log = new CopyOnWriteArrayList<>();

    ScriptedChannel(String name, int maxLength, boolean idempotent) {
        this.name = name;
        this.maxLength = maxLength;
        this.idempotent = idempotent;
    }

    /** Answers the next sends with these, in order. */
    synchronized ScriptedChannel then(DeliveryResult... results) {
        script.addAll(List.of(results));
        return this;
    }

    /** Makes each send wait until {@code release} is counted down. */
    ScriptedChannel holdSends(CountDownLatch release) {
        this.hold = release;
        return this;
    }

    /** Waits until a send has begun. */
    void awaitSending() throws InterruptedException {
        if (!sending.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("nothing was being sent within 10 s");
        }
    }

    /** The next message sent, waiting for it. */
    OutboundMessage take() throws InterruptedException {
        OutboundMessage m = sent.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing was sent within 10 s");
        }
        return m;
    }

    /** Every message sent so far and not yet taken. */
    List<OutboundMessage> drain() {
        List<OutboundMessage> out = new ArrayList<>();
        sent.drainTo(out);
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "scripted";
    }

    @Override
    public ChannelCapabilities capabilities() {
        return new ChannelCapabilities(maxLength, true, false, ChannelCapabilities.Markdown.NONE, idempotent);
    }

    @Override
    public void start(ChannelContext ctx) {
        this.context = ctx;
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        log.add("stopped");
    }

    @Override
    public DeliveryResult send(OutboundMessage message) {
        if (!started) {
            throw new IllegalStateException("scripted channel " + name + ": not started");
        }
        sending.countDown();
        CountDownLatch release = hold;
        if (release != null) {
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("a held send was not released within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryResult.Unknown("interrupted");
            }
        }
        DeliveryResult r;
        synchronized (this) {
            r = script.isEmpty() ? DeliveryResult.delivered("p-" + message.idempotencyKey()) : script.poll();
        }
        sent.add(message);
        log.add("sent " + message.messageId());
        return r;
    }

    @Override
    public WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        if (request.headers().first("X-Test-Secret").isEmpty()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_SIGNATURE,
                    "X-Test-Secret: required");
        }
        if (!request.headers().first("X-Test-Secret").get().equals("secret")) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_SIGNATURE,
                    "X-Test-Secret: does not match");
        }
        String[] parts = new String(request.body(), StandardCharsets.UTF_8).split("\\|", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("body: expected <chat>|<event>|<text>");
        }
        return WebhookResponse.ok(List.of(InboundMessage.of(parts[1], parts[0], "u-" + parts[0], parts[2])));
    }

    static DeliveryResult retryAfter(Duration d) {
        return DeliveryResult.retryAfter(d, "HTTP 429");
    }
}
