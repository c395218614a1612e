package dev.portico.channels.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.ChannelState;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.channel.WebhookVerificationException.Reason;
import dev.portico.api.transport.Headers;
import dev.portico.channels.FakePlatform;
import dev.portico.channels.FakePlatform.Answer;
import dev.portico.channels.FakePlatform.Received;
import dev.portico.channels.RecordingContext;
import dev.portico.channels.RecordingContext.Status;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelegramChannelTest {
    static final String TOKEN = "123456789:AAEhBOweik6ad-Secret_Token9";
    static final String UPDATES = "/bot" + TOKEN + "/getUpdates";
    static final String SEND = "/bot" + TOKEN + "/sendMessage";
    static final String QUERY_TAIL = "timeout=0&allowed_updates=%5B%22message%22%5D";
    static final String SECRET = "hook-Secret_42";
    static final Duration WAIT = Duration.ofSeconds(10);
    /** An empty answer held back as Telegram holds a long poll, so that a poller waits instead of spinning. */
    static final Answer LONG_POLL = Answer.json(200, "{\"ok\":true,\"result\":[]}").after(Duration.ofSeconds(20));

    final StatusContext ctx = new StatusContext(Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC));
    final List<TelegramChannel> started = new ArrayList<>();
    FakePlatform platform;

    @BeforeEach
    void startPlatform() throws Exception {
        platform = FakePlatform.start();
        platform.byDefault(UPDATES, LONG_POLL);
    }

    @AfterEach
    void stopAll() {
        started.forEach(TelegramChannel::stop);
        platform.close();
    }

    /** A context that also queues the statuses it is told, so a test can wait for the next one. */
    static final class StatusContext implements ChannelContext {
        final RecordingContext recorded;
        final BlockingQueue<Status> statuses = new LinkedBlockingQueue<>();

        StatusContext(Clock clock) {
            this.recorded = new RecordingContext(clock);
        }

        @Override
        public Clock clock() {
            return recorded.clock();
        }

        @Override
        public void receive(InboundMessage message) {
            recorded.receive(message);
        }

        @Override
        public void status(ChannelState state, String detail) {
            recorded.status(state, detail);
            statuses.add(new Status(state, detail));
        }

        @Override
        public Optional<String> loadState(String key) {
            return recorded.loadState(key);
        }

        @Override
        public void saveState(String key, String value) {
            recorded.saveState(key, value);
        }

        InboundMessage take() throws InterruptedException {
            return recorded.take(WAIT);
        }

        Status nextStatus() throws InterruptedException {
            Status s = statuses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                throw new AssertionError("no status was reported within " + WAIT);
            }
            return s;
        }
    }

    /** A webhook request; its body is produced only when read. */
    record Request(Headers headers, java.util.function.Supplier<byte[]> bodySource) implements WebhookRequest {
        static Request of(String secret, String body) {
            Headers.Builder h = Headers.builder().add("Content-Type", "application/json");
            if (secret != null) {
                h.add(TelegramChannel.SECRET_TOKEN_HEADER, secret);
            }
            return new Request(h.build(), () -> body.getBytes(StandardCharsets.UTF_8));
        }

        static Request unreadable(String secret) {
            Headers h = secret == null ? Headers.empty()
                    : Headers.builder().add(TelegramChannel.SECRET_TOKEN_HEADER, secret).build();
            return new Request(h, () -> {
                throw new AssertionError("the body was read before the secret token was checked");
            });
        }

        @Override
        public byte[] body() {
            return bodySource.get();
        }

        @Override
        public Optional<String> queryParam(String name) {
            return Optional.empty();
        }
    }

    TelegramChannel.Builder builder() {
        return TelegramChannel.builder().botToken(TOKEN).apiBase(platform.uri()).pollTimeout(Duration.ZERO)
                .backoffBase(Duration.ofMillis(1));
    }

    /** A channel in webhook mode, which does not poll: only sends reach the platform. */
    TelegramChannel.Builder hooked() {
        return builder().mode(TelegramChannel.Mode.WEBHOOK).webhookSecret(SECRET);
    }

    TelegramChannel start(TelegramChannel channel) {
        started.add(channel);
        channel.start(ctx);
        return channel;
    }

    static JsonObjectBuilder textMessage(long chatId, long fromId, String text) {
        return Json.createObjectBuilder().add("message_id", 5).add("date", 1748779200)
                .add("chat", Json.createObjectBuilder().add("id", chatId).add("type", chatId < 0 ? "supergroup" : "private"))
                .add("from", Json.createObjectBuilder().add("id", fromId).add("is_bot", false).add("first_name", "Ada"))
                .add("text", text);
    }

    static JsonObject update(long updateId, JsonObjectBuilder message) {
        return Json.createObjectBuilder().add("update_id", updateId).add("message", message).build();
    }

    static String batch(JsonObject... updates) {
        JsonArrayBuilder result = Json.createArrayBuilder();
        for (JsonObject u : updates) {
            result.add(u);
        }
        return Json.createObjectBuilder().add("ok", true).add("result", result).build().toString();
    }

    static JsonObject json(String text) {
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    static OutboundMessage outbound(String chatId, Optional<String> threadId, String text) {
        return new OutboundMessage("msg-1", "msg-1:0", chatId, threadId, text, Map.of(), 1);
    }

    static String reasonOf(DeliveryResult r) {
        return switch (r) {
            case DeliveryResult.Retry x -> x.reason();
            case DeliveryResult.Failed x -> x.reason();
            case DeliveryResult.Unknown x -> x.reason();
            case DeliveryResult.Delivered x -> "";
        };
    }

    @Test
    void nameKindAndCapabilities() {
        AllowList allow = new AllowList(Set.of("-100"), Set.of("42"));
        TelegramChannel channel = builder().accountId("work").allowList(allow).build();
        assertEquals("telegram", channel.name());
        assertEquals("telegram", channel.kind());
        assertEquals("work", channel.accountId());
        assertEquals(allow, channel.allowList());
        assertEquals(TelegramChannel.Mode.POLLING, channel.mode());
        assertEquals(new ChannelCapabilities(4096, true, true, ChannelCapabilities.Markdown.NONE, false),
                channel.capabilities());
    }

    @Test
    void pollingHandsTextMessagesOverInOrderAndKeepsTheOffsetAfterTheBatch() throws Exception {
        JsonObjectBuilder sticker = Json.createObjectBuilder().add("message_id", 6)
                .add("chat", Json.createObjectBuilder().add("id", 42)).add("sticker", Json.createObjectBuilder());
        JsonObjectBuilder photo = Json.createObjectBuilder().add("message_id", 7)
                .add("chat", Json.createObjectBuilder().add("id", 42))
                .add("from", Json.createObjectBuilder().add("id", 42)).add("caption", "look at this");
        platform.then(UPDATES, Answer.json(200, batch(update(100, textMessage(42, 42, "hello")), update(101, sticker),
                update(102, photo))));
        start(builder().build());

        assertEquals(new InboundMessage("100", "42", Optional.empty(), "42", "hello", Map.of()), ctx.take());
        assertEquals(new InboundMessage("102", "42", Optional.empty(), "42", "look at this", Map.of()), ctx.take());
        Received first = platform.take(WAIT);
        assertEquals("GET", first.method());
        assertEquals(UPDATES, first.path());
        assertEquals(QUERY_TAIL, first.query(), "no offset is kept yet");
        Received second = platform.take(WAIT);
        assertEquals("offset=103&" + QUERY_TAIL, second.query(), "the sticker's update advanced the offset too");
        assertEquals("103", ctx.recorded.state().get(TelegramChannel.OFFSET_KEY));
        assertEquals(List.of(new Status(ChannelState.RUNNING, "polling")), ctx.recorded.statuses());
    }

    @Test
    void aRestartedChannelAsksFromTheKeptOffsetSoNothingIsFetchedTwice() throws Exception {
        platform.then(UPDATES, Answer.json(200, batch(update(7, textMessage(42, 42, "first")))));
        TelegramChannel before = start(builder().build());
        assertEquals("7", ctx.take().eventId());
        assertEquals(QUERY_TAIL, platform.take(WAIT).query());
        assertEquals("offset=8&" + QUERY_TAIL, platform.take(WAIT).query());
        before.stop();
        assertFalse(before.polling());

        platform.then(UPDATES, Answer.json(200, batch(update(8, textMessage(42, 42, "second")))));
        start(builder().build());
        assertEquals("offset=8&" + QUERY_TAIL, platform.take(WAIT).query());
        assertEquals("8", ctx.take().eventId(), "the next message after a restart is the next update");
        assertEquals("offset=9&" + QUERY_TAIL, platform.take(WAIT).query());
        assertEquals("9", ctx.recorded.state().get(TelegramChannel.OFFSET_KEY));
    }

    @Test
    void aKeptOffsetIsAskedFromOnTheFirstPoll() throws Exception {
        ctx.saveState(TelegramChannel.OFFSET_KEY, "500");
        platform.then(UPDATES, Answer.json(200, batch(update(500, textMessage(-1001234567890L, 42, "hi")))));
        start(builder().build());
        assertEquals("offset=500&" + QUERY_TAIL, platform.take(WAIT).query());
        assertEquals(new InboundMessage("500", "-1001234567890", Optional.empty(), "42", "hi", Map.of()), ctx.take());
    }

    @Test
    void theLongPollAsksTelegramToWaitAndWaitsLongerItself() {
        TelegramChannel channel = start(builder().pollTimeout(Duration.ofSeconds(25)).build());
        assertEquals("timeout=25&allowed_updates=%5B%22message%22%5D", platform.take(WAIT).query());
        assertTrue(channel.polling());
    }

    @Test
    void aServerErrorDegradesTheChannelUntilAPollSucceeds() throws Exception {
        platform.then(UPDATES,
                Answer.json(500, "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}"),
                Answer.json(502, "<html>Bad Gateway</html>"),
                Answer.json(200, batch(update(1, textMessage(42, 42, "back")))));
        start(builder().build());
        assertEquals("back", ctx.take().text());
        assertEquals(List.of(new Status(ChannelState.RUNNING, "polling"),
                new Status(ChannelState.DEGRADED, "getUpdates: HTTP 500: Internal Server Error"),
                new Status(ChannelState.DEGRADED, "getUpdates: HTTP 502"),
                new Status(ChannelState.RUNNING, "")), ctx.recorded.statuses());
        for (int poll = 1; poll <= 3; poll++) {
            assertEquals(QUERY_TAIL, platform.take(WAIT).query(), "poll " + poll);
        }
        assertEquals("offset=2&" + QUERY_TAIL, platform.take(WAIT).query());
    }

    @Test
    void theSameFailureInARowIsReportedOnce() throws Exception {
        String error = "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}";
        platform.then(UPDATES, Answer.json(500, error), Answer.json(500, error), Answer.json(500, error),
                Answer.json(200, batch(update(1, textMessage(42, 42, "back")))));
        start(builder().build());
        ctx.take();
        assertEquals(List.of(new Status(ChannelState.RUNNING, "polling"),
                new Status(ChannelState.DEGRADED, "getUpdates: HTTP 500: Internal Server Error"),
                new Status(ChannelState.RUNNING, "")), ctx.recorded.statuses());
    }

    @Test
    void aConflictSaysAWebhookIsSetAndARefusedTokenSaysSoWithoutTheToken() throws Exception {
        platform.then(UPDATES, Answer.json(409, "{\"ok\":false,\"error_code\":409,\"description\":\"Conflict: can't use "
                + "getUpdates method while webhook is active; use deleteWebhook to delete the webhook first\"}"),
                Answer.json(401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"),
                Answer.json(200, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: wrong offset\"}"),
                Answer.json(200, batch()));
        start(builder().build());
        assertEquals(new Status(ChannelState.RUNNING, "polling"), ctx.nextStatus());
        Status conflict = ctx.nextStatus();
        assertEquals(ChannelState.DEGRADED, conflict.state());
        assertTrue(conflict.detail().startsWith("getUpdates: HTTP 409: Conflict: can't use getUpdates method while "
                + "webhook is active"), conflict.detail());
        assertTrue(conflict.detail().endsWith("(a webhook is set for this bot, or another client polls with its token: "
                + "delete the webhook, or use webhook mode)"), conflict.detail());
        assertEquals(new Status(ChannelState.DEGRADED,
                "getUpdates: HTTP 401: Unauthorized (the bot token was refused: check botToken)"), ctx.nextStatus());
        assertEquals(new Status(ChannelState.DEGRADED, "getUpdates: HTTP 200: Bad Request: wrong offset"),
                ctx.nextStatus());
        assertEquals(new Status(ChannelState.RUNNING, ""), ctx.nextStatus());
        for (Status s : ctx.recorded.statuses()) {
            assertFalse(s.detail().contains(TOKEN), s.detail());
        }
    }

    @Test
    void anUnreachableApiDegradesTheChannelWithoutTheTokenInTheDetail() throws Exception {
        URI closed;
        try (FakePlatform gone = FakePlatform.start()) {
            closed = gone.uri();
        }
        start(builder().apiBase(closed).build());
        assertEquals(new Status(ChannelState.RUNNING, "polling"), ctx.nextStatus());
        Status down = ctx.nextStatus();
        assertEquals(ChannelState.DEGRADED, down.state());
        assertTrue(down.detail().startsWith("getUpdates: ConnectException"), down.detail());
        assertFalse(down.detail().contains(TOKEN), down.detail());
        assertFalse(down.detail().contains("AAEhBOweik6ad"), down.detail());
    }

    @Test
    void theBackoffDoublesFromItsBaseUpToThirtySeconds() {
        Duration base = Duration.ofSeconds(1);
        List<Duration> waits = new ArrayList<>();
        for (int failures = 1; failures <= 7; failures++) {
            waits.add(TelegramChannel.backoff(base, failures));
        }
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30)), waits);
        assertEquals(Duration.ofSeconds(30), TelegramChannel.backoff(base, Integer.MAX_VALUE));
    }

    @Test
    void stopEndsALongPollPromptly() {
        TelegramChannel channel = start(builder().build());
        assertEquals(QUERY_TAIL, platform.take(WAIT).query());
        long begun = System.nanoTime();
        channel.stop();
        assertTrue(Duration.ofNanos(System.nanoTime() - begun).compareTo(Duration.ofSeconds(3)) < 0,
                "stop() waited for the long poll to end");
        assertFalse(channel.polling());
    }

    @Test
    void stopEndsABackoffWaitPromptly() throws Exception {
        platform.byDefault(UPDATES, Answer.json(500, "{\"ok\":false,\"description\":\"Internal Server Error\"}"));
        TelegramChannel channel = start(builder().backoffBase(Duration.ofMinutes(10)).build());
        ctx.nextStatus();
        assertEquals(ChannelState.DEGRADED, ctx.nextStatus().state());
        long begun = System.nanoTime();
        channel.stop();
        assertTrue(Duration.ofNanos(System.nanoTime() - begun).compareTo(Duration.ofSeconds(3)) < 0,
                "stop() waited for the backoff to end");
        assertFalse(channel.polling());
        assertEquals(1, platform.drain().size(), "no poll after the failed one");
    }

    @Test
    void startRefusesWebhookModeWithoutASecret() {
        TelegramChannel channel = builder().mode(TelegramChannel.Mode.WEBHOOK).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> channel.start(ctx));
        assertTrue(e.getMessage().startsWith("webhookSecret: required in webhook mode"), e.getMessage());
        assertEquals(List.of(), ctx.recorded.statuses());
    }

    @Test
    void webhookModeDoesNotPoll() {
        TelegramChannel channel = start(hooked().build());
        assertFalse(channel.polling());
        assertEquals(List.of(new Status(ChannelState.RUNNING, "webhook")), ctx.recorded.statuses());
    }

    @Test
    void aPollingChannelTakesNoWebhooks() {
        TelegramChannel channel = start(builder().webhookSecret(SECRET).build());
        assertThrows(UnsupportedOperationException.class,
                () -> channel.webhook(Request.of(SECRET, update(1, textMessage(42, 42, "hi")).toString())));
    }

    @Test
    void theSecretTokenIsCheckedBeforeTheBodyIsRead() {
        TelegramChannel channel = start(hooked().build());
        WebhookVerificationException wrong = assertThrows(WebhookVerificationException.class,
                () -> channel.webhook(Request.unreadable("hook-Secret_43")));
        assertEquals(Reason.INVALID_SIGNATURE, wrong.reason());
        assertEquals("X-Telegram-Bot-Api-Secret-Token: does not match", wrong.getMessage());
        WebhookVerificationException missing = assertThrows(WebhookVerificationException.class,
                () -> channel.webhook(Request.unreadable(null)));
        assertEquals(Reason.MISSING_SIGNATURE, missing.reason());
        assertEquals("X-Telegram-Bot-Api-Secret-Token: required", missing.getMessage());
        assertEquals(Reason.MISSING_SIGNATURE,
                assertThrows(WebhookVerificationException.class, () -> channel.webhook(Request.unreadable(""))).reason());
    }

    @Test
    void aWebhookUpdateInATopicBecomesAMessageInItsThread() throws Exception {
        TelegramChannel channel = start(hooked().build());
        JsonObject update = update(900, textMessage(-1001234567890L, 4242, "in a topic")
                .add("message_thread_id", 17).add("is_topic_message", true));
        WebhookResponse response = channel.webhook(Request.of(SECRET, update.toString()));
        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(new InboundMessage("900", "-1001234567890", Optional.of("17"), "4242", "in a topic",
                Map.of())), response.messages());
    }

    @Test
    void aReplyThreadThatIsNotATopicIsNoThread() throws Exception {
        TelegramChannel channel = start(hooked().build());
        JsonObject update = update(901, textMessage(-100555, 42, "a reply").add("message_thread_id", 12));
        assertEquals(List.of(new InboundMessage("901", "-100555", Optional.empty(), "42", "a reply", Map.of())),
                channel.webhook(Request.of(SECRET, update.toString())).messages());
    }

    @Test
    void updatesWithoutTextAreAnsweredAndCarryNoMessage() throws Exception {
        TelegramChannel channel = start(hooked().build());
        String edited = Json.createObjectBuilder().add("update_id", 902)
                .add("edited_message", textMessage(42, 42, "changed")).build().toString();
        String sticker = update(903, Json.createObjectBuilder().add("message_id", 1)
                .add("chat", Json.createObjectBuilder().add("id", 42)).add("sticker", JsonValue.EMPTY_JSON_OBJECT))
                .toString();
        for (String body : List.of(edited, sticker)) {
            WebhookResponse response = channel.webhook(Request.of(SECRET, body));
            assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
            assertEquals(List.of(), response.messages(), body);
        }
    }

    @Test
    void aMalformedUpdateIsRefusedNamingWhatIsWrong() {
        TelegramChannel channel = start(hooked().build());
        assertEquals("body: expected a Telegram Update (a JSON object)", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.of(SECRET, "[1, 2"))).getMessage());
        assertEquals("body: expected a Telegram Update (a JSON object)", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.of(SECRET, "[1]"))).getMessage());
        assertEquals("update_id: required (an integer)", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.of(SECRET, "{\"update_id\":\"1\"}"))).getMessage());
    }

    @Test
    void sendPostsPlainTextToTheChatAndItsThread() throws Exception {
        platform.then(SEND, Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":321,\"text\":\"hello\"}}"));
        TelegramChannel channel = start(hooked().build());
        DeliveryResult result = channel.send(outbound("-1001234567890", Optional.of("17"), "hello *world*"));
        assertEquals(DeliveryResult.delivered("321"), result);
        Received sent = platform.take(WAIT);
        assertEquals("POST", sent.method());
        assertEquals(SEND, sent.path());
        assertEquals("application/json", sent.header("Content-Type"));
        JsonObject body = json(sent.text());
        assertEquals(Set.of("chat_id", "text", "message_thread_id"), body.keySet());
        assertEquals(-1001234567890L, ((JsonNumber) body.get("chat_id")).longValueExact());
        assertEquals("hello *world*", body.getString("text"));
        assertEquals(17, body.getInt("message_thread_id"));
    }

    @Test
    void aChannelUsernameIsSentAsTextAndNoThreadAsNone() throws Exception {
        platform.then(SEND, Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":1}}"));
        TelegramChannel channel = start(hooked().build());
        assertEquals(DeliveryResult.delivered("1"), channel.send(outbound("@portico_news", Optional.empty(), "hi")));
        JsonObject body = json(platform.take(WAIT).text());
        assertEquals("@portico_news", body.getString("chat_id"));
        assertNull(body.get("message_thread_id"));
    }

    @Test
    void aRateLimitIsRetriedAfterExactlyTheWaitTelegramAskedFor() throws Exception {
        platform.then(SEND, Answer.json(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: "
                + "retry after 7\",\"parameters\":{\"retry_after\":7}}"));
        TelegramChannel channel = start(hooked().build());
        assertEquals(new DeliveryResult.Retry(Optional.of(Duration.ofSeconds(7)),
                "sendMessage: HTTP 429: Too Many Requests: retry after 7"),
                channel.send(outbound("42", Optional.empty(), "hi")));
    }

    @Test
    void aRefusalFailsWithTelegramsDescription() throws Exception {
        platform.then(SEND,
                Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}"),
                Answer.json(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the "
                        + "user\"}"),
                Answer.json(500, "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}"),
                Answer.json(200, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is empty\"}"));
        TelegramChannel channel = start(hooked().build());
        OutboundMessage m = outbound("42", Optional.empty(), "hi");
        assertEquals(new DeliveryResult.Failed("sendMessage: HTTP 400: Bad Request: chat not found"), channel.send(m));
        assertEquals(new DeliveryResult.Failed("sendMessage: HTTP 403: Forbidden: bot was blocked by the user"),
                channel.send(m));
        assertEquals(DeliveryResult.retry("sendMessage: HTTP 500: Internal Server Error"), channel.send(m));
        assertEquals(new DeliveryResult.Failed("sendMessage: HTTP 200: Bad Request: message is empty"), channel.send(m));
    }

    @Test
    void theTokenNeverAppearsInAReasonEvenWhenTheAnswerEchoesIt() throws Exception {
        platform.then(SEND, Answer.json(404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found: /bot"
                + TOKEN + "/sendMessage\"}"));
        TelegramChannel channel = start(hooked().build());
        DeliveryResult result = channel.send(outbound("42", Optional.empty(), "hi"));
        assertEquals(new DeliveryResult.Failed("sendMessage: HTTP 404: Not Found: /bot<bot token>/sendMessage"), result);

        URI closed;
        try (FakePlatform gone = FakePlatform.start()) {
            closed = gone.uri();
        }
        TelegramChannel unreachable = start(hooked().apiBase(closed).build());
        DeliveryResult down = unreachable.send(outbound("42", Optional.empty(), "hi"));
        assertInstanceOf(DeliveryResult.Retry.class, down);
        assertFalse(reasonOf(down).contains(TOKEN), reasonOf(down));
    }

    @Test
    void aThreadThatIsNotAnIntegerFailsWithoutARequest() throws Exception {
        TelegramChannel channel = start(hooked().build());
        assertEquals(new DeliveryResult.Failed("threadId: expected a Telegram message_thread_id (an integer), got general"),
                channel.send(outbound("42", Optional.of("general"), "hi")));
        assertEquals(List.of(), platform.drain());
    }

    @Test
    void theBuilderNamesWhatIsMissingOrInvalidWithoutTheToken() {
        assertEquals("botToken: required (the token BotFather gave the bot)",
                assertThrows(IllegalArgumentException.class, () -> TelegramChannel.builder().build()).getMessage());
        IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                () -> TelegramChannel.builder().botToken("not a token/../x").build());
        assertTrue(badToken.getMessage().startsWith("botToken: expected the token BotFather gave"), badToken.getMessage());
        assertFalse(badToken.getMessage().contains("not a token"), badToken.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().webhookSecret("has space").build())
                .getMessage().startsWith("webhookSecret: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().webhookSecret("x".repeat(257)).build())
                .getMessage().startsWith("webhookSecret: "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> builder().pollTimeout(Duration.ofSeconds(-1)).build()).getMessage().startsWith("pollTimeout: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().timeout(Duration.ZERO).build())
                .getMessage().startsWith("timeout: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().accountId("a b").build())
                .getMessage().startsWith("accountId: "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> builder().apiBase(URI.create("ftp://api.telegram.org")).build()).getMessage().startsWith("apiBase: "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> builder().apiBase(URI.create("api.telegram.org")).build()).getMessage().startsWith("apiBase: "));
    }
}
