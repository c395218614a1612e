package dev.portico.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.Channel;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.WebhookSignatures;
import dev.portico.channels.discord.DiscordChannel;
import dev.portico.channels.slack.SlackChannel;
import dev.portico.channels.telegram.TelegramChannel;
import dev.portico.channels.webhook.WebhookChannel;
import dev.portico.core.EchoAgent;
import dev.portico.core.FileOutboxStore;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every channel inside a started gateway, against its scripted fake platform: a message in, the
 * agent's reply out; rate limits, server errors, duplicates, long replies and restarts.
 */
class ChannelsGatewayTest {
    static final String TOKEN = "test-token-0123456789";
    static final String TELEGRAM_TOKEN = "123456789:AAEhBOweik6ad-Secret_Token9";
    static final String SEND = "/bot" + TELEGRAM_TOKEN + "/sendMessage";
    // rfc8032_test1 of webhook-signatures.json
    static final String ED_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String ED_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    @TempDir
    Path state;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final List<RunningGateway> running = new ArrayList<>();
    private final List<FakePlatform> platforms = new ArrayList<>();
    private final java.util.concurrent.LinkedBlockingQueue<GatewayEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();

    /** Waits for the outbox to report a try with this outcome (so the clock moves after it). */
    private void awaitDelivery(String status) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            GatewayEvent e = events.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (e != null && e.type().equals("message.delivery") && status.equals(e.data().get("status"))) {
                return;
            }
        }
        throw new AssertionError("no message.delivery " + status + " within 10 s");
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A transport that serves nothing: the test calls the gateway's handler. */
    static final class NoTransport implements Transport {
        @Override
        public RunningTransport start(GatewayHandler handler, TransportOptions options) {
            return new RunningTransport() {
                @Override
                public InetSocketAddress address() {
                    return new InetSocketAddress("127.0.0.1", 0);
                }

                @Override
                public void stop(Duration drain) {
                }
            };
        }

        @Override
        public String name() {
            return "none";
        }
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
        platforms.forEach(FakePlatform::close);
    }

    private FakePlatform platform() throws Exception {
        FakePlatform p = FakePlatform.start();
        platforms.add(p);
        return p;
    }

    private Gateway start(Channel channel, UnaryOperator<GatewayBuilder> more) {
        Gateway g = more.apply(Gateway.builder().token(TOKEN).clock(clock).agent(new EchoAgent()).channel(channel)
                .eventListener(events::add))
                .build();
        running.add(g.start(new NoTransport(), TransportOptions.ofDefaults()));
        return g;
    }

    private static HttpResponse call(Gateway g, HttpRequest.Builder request) {
        return g.handler().handle(request.build());
    }

    private static HttpRequest.Builder hook(String path, String body) {
        return HttpRequest.builder().method("POST").target(path).header("Content-Type", "application/json").body(body);
    }

    private static HttpRequest.Builder message(String json) {
        return HttpRequest.builder().method("POST").target("/api/message").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").body(json);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String text(HttpResponse r) {
        return new String(((ResponseBody.Bytes) r.body()).bytes(), StandardCharsets.UTF_8);
    }

    private TelegramChannel telegram(FakePlatform p) {
        p.byDefault(SEND, FakePlatform.Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":7}}"));
        return TelegramChannel.builder().botToken(TELEGRAM_TOKEN).apiBase(p.uri()).mode(TelegramChannel.Mode.WEBHOOK)
                .webhookSecret("hook-secret-123").build();
    }

    private static String update(long id, long chat, String text) {
        return "{\"update_id\":" + id + ",\"message\":{\"message_id\":1,\"date\":1,\"chat\":{\"id\":" + chat
                + ",\"type\":\"private\"},\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"A\"},"
                + "\"text\":\"" + text + "\"}}";
    }

    @Test
    void telegramAnUpdateIsAnsweredInItsChatAndARepeatedUpdateOnlyOnce() throws Exception {
        FakePlatform p = platform();
        Gateway g = start(telegram(p), b -> b);
        HttpRequest.Builder req = hook("/api/webhook/telegram", update(501, 42, "hello"))
                .header(TelegramChannel.SECRET_TOKEN_HEADER, "hook-secret-123");
        assertEquals(200, call(g, req).status());
        assertEquals(200, call(g, hook("/api/webhook/telegram", update(501, 42, "hello"))
                .header(TelegramChannel.SECRET_TOKEN_HEADER, "hook-secret-123")).status());
        FakePlatform.Received sent = p.take(Duration.ofSeconds(10));
        assertEquals(SEND, sent.path());
        JsonObject body = json(sent.text());
        assertEquals(42, body.getJsonNumber("chat_id").longValue());
        assertEquals("hello", body.getString("text"));
        // A later message in the same chat is answered after the first: when it arrives, the
        // repeat would have been sent before it.
        call(g, hook("/api/webhook/telegram", update(502, 42, "second")).header(TelegramChannel.SECRET_TOKEN_HEADER,
                "hook-secret-123"));
        assertEquals("second", json(p.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(List.of(), p.drain(), "one reply per update");
    }

    @Test
    void telegramARateLimitedSendWaitsExactlyRetryAfterOnTheGatewayClock() throws Exception {
        FakePlatform p = platform();
        p.then(SEND, FakePlatform.Answer.json(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many "
                + "Requests: retry after 7\",\"parameters\":{\"retry_after\":7}}"));
        Gateway g = start(telegram(p), b -> b);
        assertEquals(200, call(g, message("{\"channel\":\"telegram\",\"chat_id\":\"1\",\"content\":\"first\"}")).status());
        assertEquals("first", json(p.take(Duration.ofSeconds(10)).text()).getString("text"));
        awaitDelivery("retry");

        clock.advance(Duration.ofMillis(6_900));
        call(g, message("{\"channel\":\"telegram\",\"chat_id\":\"2\",\"content\":\"other chat\"}"));
        assertEquals("other chat", json(p.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(List.of(), p.drain(), "not retried before 7 s");

        clock.advance(Duration.ofMillis(100));
        call(g, message("{\"channel\":\"telegram\",\"chat_id\":\"3\",\"content\":\"third chat\"}"));
        Set<String> texts = Set.of(json(p.take(Duration.ofSeconds(10)).text()).getString("text"),
                json(p.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(Set.of("first", "third chat"), texts, "retried once 7 s had passed");
    }

    @Test
    void slackAnEventIsAnsweredInItsThreadAndAServerErrorIsRetried() throws Exception {
        FakePlatform p = platform();
        p.byDefault("/chat.postMessage", FakePlatform.Answer.json(200, "{\"ok\":true,\"ts\":\"1.2\"}"));
        p.then("/chat.postMessage", FakePlatform.Answer.json(500, "{\"ok\":false}"));
        Gateway g = start(SlackChannel.builder().botToken("xoxb-test").signingSecret("slack-signing-secret")
                .apiBase(p.uri()).build(), b -> b);
        String body = "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":{\"type\":\"message\","
                + "\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"hi slack\",\"ts\":\"9.1\",\"thread_ts\":\"9.0\"}}";
        String ts = Long.toString(clock.instant().getEpochSecond());
        HttpRequest.Builder signed = hook("/api/webhook/slack", body).header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", WebhookSignatures.slackHeader("slack-signing-secret".getBytes(
                        StandardCharsets.UTF_8), ts, body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, call(g, signed).status());
        JsonObject first = json(p.take(Duration.ofSeconds(10)).text());
        assertEquals("C1", first.getString("channel"));
        assertEquals("9.0", first.getString("thread_ts"));
        assertEquals("hi slack", first.getString("text"));
        awaitDelivery("retry");
        assertEquals(List.of(), p.drain(), "the 500 is not retried at once");

        clock.advance(Duration.ofMillis(1_200));
        call(g, message("{\"channel\":\"slack\",\"chat_id\":\"C2\",\"content\":\"poke\"}"));
        Set<String> texts = Set.of(json(p.take(Duration.ofSeconds(10)).text()).getString("text"),
                json(p.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(Set.of("hi slack", "poke"), texts, "retried after the backoff");
    }

    @Test
    void discordACommandIsDeferredThenAnsweredWithAFollowUp() throws Exception {
        FakePlatform p = platform();
        p.byDefault("/webhooks/111/tok1", FakePlatform.Answer.json(200, "{\"id\":\"m1\"}"));
        Gateway g = start(DiscordChannel.builder().botToken("bot-token").applicationId("111").publicKey(ED_PUBLIC)
                .apiBase(p.uri()).build(), b -> b);
        String body = "{\"type\":2,\"id\":\"i1\",\"application_id\":\"111\",\"token\":\"tok1\",\"channel_id\":\"c9\","
                + "\"member\":{\"user\":{\"id\":\"u1\"}},\"data\":{\"name\":\"ask\",\"options\":[{\"name\":\"prompt\","
                + "\"type\":3,\"value\":\"hi discord\"}]}}";
        String ts = Long.toString(clock.instant().getEpochSecond());
        HttpResponse r = call(g, hook("/api/webhook/discord", body).header("X-Signature-Timestamp", ts)
                .header("X-Signature-Ed25519", ed25519(ts + body)));
        assertEquals(200, r.status());
        assertEquals(5, json(text(r)).getInt("type"), "deferred");
        FakePlatform.Received followUp = p.take(Duration.ofSeconds(10));
        assertEquals("/webhooks/111/tok1", followUp.path());
        assertEquals("hi discord", json(followUp.text()).getString("content"));
    }

    @Test
    void webhookALongReplyIsSplitWithoutCuttingAnEmoji() throws Exception {
        FakePlatform p = platform();
        Gateway g = start(WebhookChannel.builder().name("github").secret("shared-secret").maxMessageLength(10)
                .callbackUrl(p.uri().resolve("/callback")).build(), b -> b);
        String body = "{\"chat_id\":\"room1\",\"text\":\"abcdefghi\\ud83d\\ude00xyz\",\"id\":\"d1\"}";
        HttpResponse r = call(g, hook("/api/webhook/github", body).header("X-Hub-Signature-256",
                WebhookSignatures.hubSha256Header("shared-secret".getBytes(StandardCharsets.UTF_8),
                        body.getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, r.status(), () -> text(r));
        JsonObject part1 = json(p.take(Duration.ofSeconds(10)).text());
        JsonObject part2 = json(p.take(Duration.ofSeconds(10)).text());
        assertEquals("abcdefghi", part1.getString("text"));
        assertEquals("😀xyz", part2.getString("text"));
        assertEquals("room1", part2.getString("chat_id"));
        assertEquals("github", part2.getString("channel"));
    }

    @Test
    void acceptedMessagesAreDeliveredOnceAfterARestartAndStaleOnesNever() throws Exception {
        FakePlatform down = platform();
        int port = down.port();
        down.close();
        Gateway first = start(telegram(down), b -> b.outboxStore(outboxStore()));
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(json(text(call(first, message("{\"channel\":\"telegram\",\"chat_id\":\"" + i
                    + "\",\"content\":\"m" + i + "\"}").header("Idempotency-Key", "key-" + i)))).getString("message_id"));
        }
        // A repeat of a request before the restart is the same message.
        assertEquals(ids.get(0), json(text(call(first, message("{\"channel\":\"telegram\",\"chat_id\":\"1\","
                + "\"content\":\"m1\"}").header("Idempotency-Key", "key-1")))).getString("message_id"));
        running.removeLast().stop(Duration.ofSeconds(1));

        clock.advance(Duration.ofMinutes(10));
        FakePlatform up = FakePlatform.start(port);
        platforms.add(up);
        Gateway second = start(telegram(up), b -> b.outboxStore(outboxStore()));
        // A repeat after the restart is still the same message, not a fourth.
        assertEquals(ids.get(2), json(text(call(second, message("{\"channel\":\"telegram\",\"chat_id\":\"3\","
                + "\"content\":\"m3\"}").header("Idempotency-Key", "key-3")))).getString("message_id"));
        Set<String> delivered = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            delivered.add(json(up.take(Duration.ofSeconds(10)).text()).getString("text"));
        }
        assertEquals(Set.of("m1", "m2", "m3"), delivered);
        call(second, message("{\"channel\":\"telegram\",\"chat_id\":\"9\",\"content\":\"marker\"}"));
        assertEquals("marker", json(up.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(List.of(), up.drain(), "none twice");
        running.removeLast().stop(Duration.ofSeconds(1));
        up.close();

        // Accepted while the platform is down, then down for longer than the expiry: never sent.
        Gateway third = start(telegram(up), b -> b.outboxStore(outboxStore()));
        call(third, message("{\"channel\":\"telegram\",\"chat_id\":\"5\",\"content\":\"stale\"}"));
        running.removeLast().stop(Duration.ofSeconds(1));
        clock.advance(Duration.ofMinutes(61));
        FakePlatform again = FakePlatform.start(port);
        platforms.add(again);
        Gateway fourth = start(telegram(again), b -> b.outboxStore(outboxStore()));
        call(fourth, message("{\"channel\":\"telegram\",\"chat_id\":\"9\",\"content\":\"fresh\"}"));
        List<String> texts = List.of(json(again.take(Duration.ofSeconds(10)).text()).getString("text"));
        assertEquals(List.of("fresh"), texts);
        assertTrue(again.drain().stream().map(FakePlatform.Received::text).collect(Collectors.joining())
                .isEmpty(), "the stale message was not sent");
    }

    private static String ed25519(String content) throws Exception {
        byte[] der = HexFormat.of().parseHex("302e020100300506032b657004220420" + ED_SECRET);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
        s.update(content.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(s.sign());
    }
}
