package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.DeliveryStatus;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.EchoAgent;
import dev.portico.core.FileOutboxStore;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import dev.portico.core.TestClock;
import jakarta.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channels inside a started gateway: the message routes, webhooks, replies, and restarts. */
class ChannelGatewayTest {
    @TempDir
    Path state;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final List<RunningGateway> running = new ArrayList<>();
    private final LinkedBlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();

    private Gateway start(ScriptedChannel channel, UnaryOperator<GatewayBuilder> more) {
        Gateway g = more.apply(Gateway.builder().token(TOKEN).clock(clock).agent(new EchoAgent()).channel(channel)
                .eventListener(events::add)).build();
        running.add(g.start(new CronGatewayTest.NoTransport(), TransportOptions.ofDefaults()));
        return g;
    }

    private final List<FileOutboxStore> stores = new ArrayList<>();

    /** The outbox store in the state directory, closed after the gateways have stopped. */
    private FileOutboxStore outboxStore() {
        FileOutboxStore store = FileOutboxStore.open(state.resolve("outbox"));
        stores.add(store);
        return store;
    }

    @AfterEach
    void stopAll() {
        running.reversed().forEach(r -> r.stop(Duration.ofSeconds(1)));
        stores.forEach(FileOutboxStore::close);
    }

    private static HttpResponse webhook(Gateway g, String secret, String body, String address) {
        HttpRequest.Builder b = HttpRequest.builder().method("POST").target("/api/webhook/chat").body(body)
                .remoteAddress(new InetSocketAddress(address, 40000));
        if (secret != null) {
            b.header("X-Test-Secret", secret);
        }
        return g.handler().handle(b.build());
    }

    private GatewayEvent event(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            GatewayEvent e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null && e.type().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }

    @Test
    void aMessageIsQueuedThenDeliveredAndItsStatusCanBeRead() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        JsonObject answer = json(g.handler().handle(post("/api/message",
                "{\"channel\":\"chat\",\"chat_id\":\"42\",\"content\":\"hello\"}").build()));
        assertEquals("ok", answer.getString("status"));
        assertTrue(answer.getBoolean("ok"));
        String id = answer.getString("message_id");
        OutboundMessage sent = channel.take();
        assertEquals("42", sent.chatId());
        assertEquals("hello", sent.text());
        assertEquals("delivered", event("message.delivery").data().get("status"));
        JsonObject status = json(g.handler().handle(HttpRequest.builder().target("/api/message/" + id)
                .header("Authorization", "Bearer " + TOKEN).build())).getJsonObject("message");
        assertEquals("delivered", status.getString("status"));
        assertEquals("p-" + id, status.getString("platform_message_id"));
    }

    @Test
    void theCombinedChannelFormAndTextAreAccepted() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        HttpResponse r = g.handler().handle(post("/api/message", "{\"channel\":\"chat:123\",\"text\":\"hi\"}").build());
        assertEquals(200, r.status());
        OutboundMessage sent = channel.take();
        assertEquals("123", sent.chatId());
        assertEquals("hi", sent.text());
    }

    @Test
    void anUnknownChannelIsNotFoundAndBadBodiesAreRefused() {
        Gateway g = start(new ScriptedChannel("chat", 100, false), b -> b);
        assertError(g.handler().handle(post("/api/message", "{\"channel\":\"nope\",\"chat_id\":\"1\",\"content\":\"x\"}")
                .build()), 404, "CHANNEL_NOT_FOUND");
        assertError(g.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"content\":\"x\"}").build()), 400,
                "INVALID_REQUEST");
        assertError(g.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"1\",\"content\":\" \"}")
                .build()), 400, "INVALID_REQUEST");
        assertError(g.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"a b\",\"content\":\"x\"}")
                .build()), 400, "INVALID_REQUEST");
    }

    @Test
    void theSameIdempotencyKeyGetsTheFirstAnswerAndAnotherBodyIsAConflict() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        String body = "{\"channel\":\"chat\",\"chat_id\":\"1\",\"content\":\"once\"}";
        HttpResponse first = g.handler().handle(post("/api/message", body).header("Idempotency-Key", "k-1").build());
        HttpResponse again = g.handler().handle(post("/api/message", body).header("Idempotency-Key", "k-1").build());
        assertEquals(json(first).getString("message_id"), json(again).getString("message_id"));
        assertEquals("true", again.headers().first("Idempotent-Replayed").orElseThrow());
        assertError(g.handler().handle(post("/api/message", body.replace("once", "twice"))
                .header("Idempotency-Key", "k-1").build()), 409, "CONFLICT");
        assertEquals("once", channel.take().text());
        event("message.delivery");
        assertEquals(List.of(), channel.drain(), "one message for one key");
    }

    @Test
    void anInboundMessageIsAnsweredInItsChatOnceEvenWhenThePlatformRepeatsIt() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        HttpResponse r = webhook(g, "secret", "7|ev-1|hello there", "127.0.0.1");
        assertEquals(200, r.status());
        assertEquals(200, webhook(g, "secret", "7|ev-1|hello there", "127.0.0.1").status(), "a repeat is answered 200");
        OutboundMessage reply = channel.take();
        assertEquals("7", reply.chatId());
        assertEquals("hello there", reply.text(), "the echo agent's reply");
        assertEquals("chat:default:7", event("message.inbound").data().get("session"));
        event("message.delivery");
        assertEquals(List.of(), channel.drain(), "one reply only");
    }

    @Test
    void unsignedWebhooksAreRefusedWithTheReasonAndCountTowardTheLockout() {
        Gateway g = start(new ScriptedChannel("chat", 100, false), b -> b.failedAuthLimit(2, Duration.ofMinutes(1),
                Duration.ofMinutes(5)));
        assertError(webhook(g, null, "1|e|x", "203.0.113.9"), 401, "missing_signature");
        assertError(webhook(g, "wrong", "1|e|x", "203.0.113.9"), 401, "invalid_signature");
        assertError(webhook(g, "secret", "1|e|x", "203.0.113.9"), 429, "RATE_LIMITED");
        assertEquals(200, webhook(g, "secret", "1|e|x", "203.0.113.10").status(), "another address is not locked out");
        assertError(webhook(g, "secret", "malformed", "203.0.113.10"), 400, "INVALID_REQUEST");
        assertError(g.handler().handle(HttpRequest.builder().method("POST").target("/api/webhook/other").body("x")
                .build()), 404, "CHANNEL_NOT_FOUND");
    }

    @Test
    void syncSendsTheMessageToTheAgentAndItsReplyToTheChat() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        JsonObject answer = json(g.handler().handle(post("/api/message/sync",
                "{\"channel\":\"chat\",\"chat_id\":\"9\",\"content\":\"ping\"}").build()));
        assertEquals("ping", answer.getString("reply"));
        assertEquals("chat:default:9", answer.getString("session"));
        OutboundMessage sent = channel.take();
        assertEquals("ping", sent.text());
        assertEquals(answer.getString("message_id"), sent.messageId());
    }

    @Test
    void channelsAreListedWithTheirState() {
        Gateway g = start(new ScriptedChannel("chat", 100, false), b -> b);
        JsonObject list = json(g.handler().handle(HttpRequest.builder().target("/api/channels")
                .header("Authorization", "Bearer " + TOKEN).build()));
        JsonObject c = list.getJsonArray("channels").getJsonObject(0);
        assertEquals("chat", c.getString("name"));
        assertEquals("running", c.getString("state"));
        assertEquals(100, c.getInt("max_message_length"));
        JsonObject status = json(g.handler().handle(HttpRequest.builder().target("/api/status")
                .header("Authorization", "Bearer " + TOKEN).build()));
        assertEquals("running", status.getString("status"));
        assertEquals("running", status.getJsonArray("channels").getJsonObject(0).getString("state"));
        assertEquals(0, status.getInt("pending"));
    }

    @Test
    void aChannelThatCannotStartStopsTheGatewayFromStarting() {
        ScriptedChannel broken = new ScriptedChannel("chat", 100, false) {
            @Override
            public void start(dev.portico.api.channel.ChannelContext ctx) {
                throw new IllegalStateException("no secret configured");
            }
        };
        Gateway g = Gateway.builder().token(TOKEN).channel(broken).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> g.start(new CronGatewayTest.NoTransport(), TransportOptions.ofDefaults()));
        assertTrue(e.getMessage().contains("channel chat") && e.getMessage().contains("no secret configured"),
                e.getMessage());
    }

    @Test
    void acceptedMessagesSurviveARestartAndAreDeliveredOnceAndStaleOnesAreNot() throws Exception {
        ScriptedChannel down = new ScriptedChannel("chat", 100, false).then(
                DeliveryResult.retry("connection refused"), DeliveryResult.retry("connection refused"));
        Gateway first = start(down, b -> b.outboxStore(outboxStore()));
        String a = json(first.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"1\","
                + "\"content\":\"first\"}").header("Idempotency-Key", "a").build())).getString("message_id");
        String b = json(first.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"2\","
                + "\"content\":\"second\"}").build())).getString("message_id");
        assertEquals(2, List.of(down.take(), down.take()).size(), "both were tried while the platform was down");
        running.removeLast().stop(Duration.ofSeconds(1));
        events.clear();

        // Back up 30 minutes later: both go, once each.
        clock.advance(Duration.ofMinutes(30));
        ScriptedChannel up = new ScriptedChannel("chat", 100, false);
        Gateway second = start(up, x -> x.outboxStore(outboxStore()));
        List<String> ids = List.of(up.take().messageId(), up.take().messageId());
        assertTrue(ids.containsAll(List.of(a, b)), ids.toString());
        // The key still answers with the first message after the restart.
        assertEquals(a, json(second.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"1\","
                + "\"content\":\"first\"}").header("Idempotency-Key", "a").build())).getString("message_id"));
        // One try before the restart, one after: none wasted on a channel not started yet.
        assertEquals(List.of(2, 2), List.of(event("message.delivery").data().get("attempt"),
                event("message.delivery").data().get("attempt")));
        assertEquals(List.of(), up.drain(), "none twice");
        running.removeLast().stop(Duration.ofSeconds(1));

        // A message accepted, then an outage longer than the expiry: it is not sent.
        ScriptedChannel down2 = new ScriptedChannel("chat", 100, false).then(DeliveryResult.retry("refused"));
        Gateway third = start(down2, x -> x.outboxStore(outboxStore()));
        String stale = json(third.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"3\","
                + "\"content\":\"stale\"}").build())).getString("message_id");
        down2.take();
        running.removeLast().stop(Duration.ofSeconds(1));
        events.clear();
        clock.advance(Duration.ofHours(2));
        ScriptedChannel late = new ScriptedChannel("chat", 100, false);
        Gateway fourth = start(late, x -> x.outboxStore(outboxStore()));
        GatewayEvent expired = event("message.delivery");
        assertEquals(stale, expired.data().get("message_id"));
        assertEquals("expired", expired.data().get("status"));
        assertEquals(List.of(), late.drain(), "nothing stale went out");
        assertEquals("expired", json(fourth.handler().handle(HttpRequest.builder().target("/api/message/" + stale)
                .header("Authorization", "Bearer " + TOKEN).build())).getJsonObject("message").getString("status"));
    }

    @Test
    void aSendInProgressWhenTheGatewayStopsFinishesBeforeItsChannelStopsAndNothingNewIsTaken() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false).holdSends(release);
        // Finished messages are loaded again when they carry a key.
        FileOutboxStore store = FileOutboxStore.builder().directory(state.resolve("outbox")).clock(clock).build();
        Gateway g = start(channel, b -> b.outboxStore(store));
        String id = json(g.handler().handle(post("/api/message", "{\"channel\":\"chat\",\"chat_id\":\"5\","
                + "\"content\":\"in flight\"}").header("Idempotency-Key", "k-5").build())).getString("message_id");
        channel.awaitSending();
        RunningGateway gateway = running.removeLast();
        Thread stopping = Thread.ofVirtual().start(() -> gateway.stop(Duration.ofSeconds(10)));

        // While the send is held, what the channel receives is refused rather than dropped.
        InboundMessage late = InboundMessage.of("ev-late", "6", "u-6", "too late");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GatewayException refused = null;
        while (refused == null && System.nanoTime() < end) {
            try {
                channel.context.receive(late);
                Thread.yield();
            } catch (GatewayException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && refused.code() == ErrorCode.UNAVAILABLE, "refused once stopping");

        release.countDown();
        stopping.join();
        assertEquals(List.of("sent " + id, "stopped"), channel.log, "the channel stopped after the send ended");
        store.close();
        try (FileOutboxStore reopened = FileOutboxStore.builder().directory(state.resolve("outbox")).clock(clock)
                .build()) {
            assertEquals(DeliveryStatus.DELIVERED, reopened.load().stream().filter(m -> m.id().equals(id))
                    .findFirst().orElseThrow().status(), "recorded as delivered on disk");
        }
    }

    @Test
    void aChannelsStateSurvivesARestartInTheStateDirectory() throws Exception {
        ScriptedChannel first = new ScriptedChannel("chat", 100, false);
        start(first, b -> b.channelStateDirectory(state.resolve("channels")));
        assertEquals(java.util.Optional.empty(), first.context.loadState("offset"));
        first.context.saveState("offset", "1001");
        running.removeLast().stop(Duration.ofSeconds(1));

        ScriptedChannel second = new ScriptedChannel("chat", 100, false);
        start(second, b -> b.channelStateDirectory(state.resolve("channels")));
        assertEquals(java.util.Optional.of("1001"), second.context.loadState("offset"));
        assertTrue(java.nio.file.Files.exists(state.resolve("channels").resolve("chat.default.json")));
    }

    @Test
    void anAnnouncementOfAScheduledJobIsDeliveredThroughItsChannel() throws Exception {
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false);
        Gateway g = start(channel, b -> b);
        String id = json(g.handler().handle(post("/api/cron/create", "{\"name\":\"a\",\"expr\":\"0 9 * * *\","
                + "\"message\":\"good morning\",\"delivery\":{\"mode\":\"announce\",\"channel\":\"chat\","
                + "\"to\":\"77\"}}").build())).getJsonObject("job").getString("id");
        g.handler().handle(post("/api/cron/trigger", "{\"job_id\":\"" + id + "\"}").build());
        OutboundMessage sent = channel.take();
        assertEquals("77", sent.chatId());
        assertEquals("good morning", sent.text());
        Object delivery = event("cron.run.finished").data().get("delivery");
        assertTrue(String.valueOf(delivery).startsWith("queued: message " + sent.messageId()), String.valueOf(delivery));
    }
}
