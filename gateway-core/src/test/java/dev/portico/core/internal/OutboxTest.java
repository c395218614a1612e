package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.OutboxStore;
import dev.portico.core.FileOutboxStore;
import dev.portico.core.InMemoryOutboxStore;
import dev.portico.core.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against a scripted channel, on a clock the test moves. */
class OutboxTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final ScriptedChannel channel = new ScriptedChannel("chat", 10, false);
    @TempDir
    Path dir;
    private OutboxStore store = new InMemoryOutboxStore();
    private Outbox outbox;
    private int ids;

    private Outbox start(Channel... channels) throws Exception {
        List<Channel> all = List.of(channels);
        outbox = new Outbox(store, (name, account) -> all.stream().filter(c -> c.name().equals(name)).findFirst(),
                new EventBus(clock, List.of()), clock, new Outbox.Settings(Duration.ofHours(1), 4,
                        Duration.ofSeconds(1), Duration.ofMinutes(5)), new Metrics());
        for (Channel c : all) {
            c.start(null);
        }
        outbox.start();
        outbox.deliver();
        return outbox;
    }

    @AfterEach
    void stop() {
        if (outbox != null) {
            outbox.stop(Duration.ofSeconds(1));
        }
        store.close();
    }

    private OutboxMessage message(String chat, String text) {
        return message(chat, text, Optional.empty(), Optional.empty());
    }

    private OutboxMessage message(String chat, String text, Optional<String> key, Optional<String> fingerprint) {
        return OutboxMessage.pending("m" + (++ids), "chat", Channel.DEFAULT_ACCOUNT, chat, Optional.empty(), text,
                Map.of(), "api", key, fingerprint, clock.instant());
    }

    /** Waits until the outbox has recorded a message as finished. */
    private OutboxMessage finished(String id) {
        return until(id, m -> m.status().terminal());
    }

    /** Waits until the outbox's record of a message satisfies a condition. */
    private OutboxMessage until(String id, java.util.function.Predicate<OutboxMessage> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            OutboxMessage m = outbox.find(id).orElseThrow();
            if (condition.test(m)) {
                return m;
            }
            Thread.yield();
        }
        throw new AssertionError("message " + id + " did not get there: " + outbox.find(id));
    }

    @Test
    void aRateLimitedMessageWaitsExactlyTheWaitThePlatformAskedForAndHoldsBackItsChatOnly() throws Exception {
        channel.then(ScriptedChannel.retryAfter(Duration.ofSeconds(7)));
        start(channel);
        OutboxMessage first = outbox.enqueue(message("A", "one")).message();
        assertEquals("one", channel.take().text());
        outbox.enqueue(message("A", "two"));
        until(first.id(), x -> x.attempts() == 1);

        clock.advance(Duration.ofMillis(6_999));
        // Another chat goes at once: when it has gone, the outbox has looked at the time after the
        // advance, and chat A's retry was not yet due.
        outbox.enqueue(message("B", "other"));
        assertEquals("other", channel.take().text());
        assertEquals(List.of(), channel.drain());

        clock.advance(Duration.ofMillis(1));
        outbox.enqueue(message("C", "poke"));
        List<String> sent = List.of(channel.take().text(), channel.take().text(), channel.take().text());
        assertTrue(sent.indexOf("one") < sent.indexOf("two"), "chat A kept its order: " + sent);
        assertTrue(sent.containsAll(List.of("one", "two", "poke")), sent.toString());
        OutboxMessage done = finished(first.id());
        assertEquals(DeliveryStatus.DELIVERED, done.status());
    }

    @Test
    void aServerErrorIsRetriedAfterABackoffWithJitter() throws Exception {
        channel.then(DeliveryResult.retry("HTTP 500"));
        start(channel);
        OutboxMessage m = outbox.enqueue(message("A", "hello")).message();
        assertEquals(1, channel.take().attempt());
        OutboxMessage waiting = until(m.id(), x -> x.attempts() == 1);
        Duration wait = Duration.between(clock.instant(), waiting.nextAttempt());
        assertTrue(wait.compareTo(Duration.ofMillis(800)) >= 0 && wait.compareTo(Duration.ofMillis(1200)) <= 0,
                "first backoff 1 s ± 20%: " + wait);
        assertEquals(Optional.of("HTTP 500"), waiting.lastError());
        clock.advance(Duration.ofMillis(1200));
        outbox.enqueue(message("B", "poke"));
        List<OutboundMessage> next = List.of(channel.take(), channel.take());
        OutboundMessage retried = next.stream().filter(o -> o.text().equals("hello")).findFirst().orElseThrow();
        assertEquals(2, retried.attempt());
        assertEquals(m.id(), retried.idempotencyKey(), "the same key on every try");
        assertEquals(DeliveryStatus.DELIVERED, finished(m.id()).status());
    }

    @Test
    void anUnknownOutcomeIsNotResentOnAChannelWhoseSendsAreNotIdempotent() throws Exception {
        channel.then(new DeliveryResult.Unknown("timed out"));
        start(channel);
        OutboxMessage m = outbox.enqueue(message("A", "hello")).message();
        channel.take();
        OutboxMessage done = finished(m.id());
        assertEquals(DeliveryStatus.UNKNOWN, done.status());
        assertTrue(done.lastError().orElseThrow().contains("timed out"));
    }

    @Test
    void anUnknownOutcomeIsResentOnAnIdempotentChannel() throws Exception {
        ScriptedChannel idempotent = new ScriptedChannel("chat", 10, true).then(new DeliveryResult.Unknown("cut off"));
        start(idempotent);
        OutboxMessage m = outbox.enqueue(message("A", "hello")).message();
        idempotent.take();
        until(m.id(), x -> x.attempts() == 1);
        clock.advance(Duration.ofSeconds(2));
        outbox.enqueue(message("B", "poke"));
        List<OutboundMessage> next = List.of(idempotent.take(), idempotent.take());
        assertTrue(next.stream().anyMatch(o -> o.text().equals("hello") && o.attempt() == 2), next.toString());
        assertEquals(DeliveryStatus.DELIVERED, finished(m.id()).status());
    }

    @Test
    void aPermanentRefusalEndsTheMessageAndTheChatGoesOn() throws Exception {
        channel.then(new DeliveryResult.Failed("HTTP 400: chat not found"));
        start(channel);
        OutboxMessage bad = outbox.enqueue(message("A", "one")).message();
        OutboxMessage good = outbox.enqueue(message("A", "two")).message();
        assertEquals("one", channel.take().text());
        assertEquals("two", channel.take().text());
        assertEquals(DeliveryStatus.FAILED, finished(bad.id()).status());
        assertEquals(DeliveryStatus.DELIVERED, finished(good.id()).status());
    }

    @Test
    void aLongMessageGoesInPartsAndARetryResumesAtThePartThatFailed() throws Exception {
        // 10 code units per part; the emoji (2 units) must not be cut in half.
        channel.then(DeliveryResult.delivered("p1"), DeliveryResult.retry("HTTP 502"));
        start(channel);
        OutboxMessage m = outbox.enqueue(message("A", "abcdefghi😀 tail end here")).message();
        OutboundMessage p1 = channel.take();
        OutboundMessage p2 = channel.take();
        assertEquals("abcdefghi", p1.text());
        assertEquals(m.id() + ":1", p1.idempotencyKey());
        assertEquals(m.id() + ":2", p2.idempotencyKey());
        assertEquals(1, until(m.id(), x -> x.attempts() == 1).partsSent());
        clock.advance(Duration.ofSeconds(2));
        outbox.enqueue(message("B", "poke"));
        List<OutboundMessage> rest = List.of(channel.take(), channel.take(), channel.take());
        assertFalse(rest.stream().anyMatch(o -> o.idempotencyKey().equals(m.id() + ":1")), "part 1 went once");
        StringBuilder whole = new StringBuilder(p1.text());
        rest.stream().filter(o -> o.messageId().equals(m.id())).forEach(o -> whole.append(' ').append(o.text()));
        assertEquals("abcdefghi 😀 tail end here", whole.toString().replace("  ", " "));
        assertEquals(DeliveryStatus.DELIVERED, finished(m.id()).status());
    }

    @Test
    void aMessageOlderThanTheExpiryIsNotSent() throws Exception {
        channel.then(DeliveryResult.retry("HTTP 503"));
        start(channel);
        OutboxMessage m = outbox.enqueue(message("A", "stale soon")).message();
        channel.take();
        until(m.id(), x -> x.attempts() == 1);
        clock.advance(Duration.ofHours(1));
        outbox.enqueue(message("B", "poke"));
        assertEquals("poke", channel.take().text());
        OutboxMessage done = finished(m.id());
        assertEquals(DeliveryStatus.EXPIRED, done.status());
        assertTrue(done.lastError().orElseThrow().startsWith("not delivered within 1h"), done.lastError().toString());
        assertEquals(List.of(), channel.drain());
    }

    @Test
    void aRepeatedIdempotencyKeyGetsTheFirstAnswerAndAReusedOneIsRefused() throws Exception {
        start(channel);
        OutboxMessage first = outbox.enqueue(message("A", "hello", Optional.of("k1"), Optional.of("f1"))).message();
        Outbox.Accepted again = outbox.enqueue(message("A", "hello", Optional.of("k1"), Optional.of("f1")));
        assertTrue(again.replayed());
        assertEquals(first.id(), again.message().id());
        GatewayException e = assertThrows(GatewayException.class,
                () -> outbox.enqueue(message("A", "other", Optional.of("k1"), Optional.of("f2"))));
        assertEquals(ErrorCode.CONFLICT, e.code());
        channel.take();
        finished(first.id());
        assertEquals(List.of(), channel.drain(), "sent once");
    }

    @Test
    void pendingMessagesResumeWhenTheOutboxStartsAgainOnTheSameStore() throws Exception {
        ScriptedChannel down = new ScriptedChannel("chat", 10, false).then(DeliveryResult.retry("connection refused"));
        store = FileOutboxStore.open(dir);
        start(down);
        OutboxMessage m = outbox.enqueue(message("A", "kept")).message();
        down.take();
        outbox.stop(Duration.ofSeconds(1));
        store.close();

        ScriptedChannel up = new ScriptedChannel("chat", 10, false);
        clock.advance(Duration.ofSeconds(5));
        store = FileOutboxStore.open(dir);
        start(up);
        OutboundMessage resent = up.take();
        assertEquals("kept", resent.text());
        assertEquals(2, resent.attempt());
        assertEquals(DeliveryStatus.DELIVERED, finished(m.id()).status());
    }
}
