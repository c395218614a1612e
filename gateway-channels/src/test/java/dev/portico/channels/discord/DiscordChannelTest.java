package dev.portico.channels.discord;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.ChannelCapabilities;
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
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscordChannelTest {
    // rfc8032_test1 of webhook-signatures.json: the key pair that signs the test interactions
    static final String SECRET_KEY = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    // rfc8032_test2 of webhook-signatures.json: another key, whose signatures must not pass
    static final String OTHER_SECRET_KEY = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    // discord_style_derived of webhook-signatures.json: a PING signed with the rfc8032_test1 key
    static final String VECTOR_TIMESTAMP = "1700000000";
    static final String VECTOR_BODY = "{\"type\":1}";
    static final String VECTOR_SIGNATURE = "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";

    static final String BOT_TOKEN = "MTE5MDAwMDAwMDAwMDAwMDAwOQ.GxYz12.bot-Token_secret";
    static final String APP_ID = "1190000000000000009";
    static final String INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTE5MDAwMDAwMDAwMDAwMDAwMQ.token_A-1";
    static final String CHANNEL_ID = "1190000000000000002";
    static final String FOLLOW_UP = "/webhooks/" + APP_ID + "/" + INTERACTION_TOKEN;
    static final String CHANNEL_MESSAGES = "/channels/" + CHANNEL_ID + "/messages";
    static final Duration WAIT = Duration.ofSeconds(10);

    final MutableClock clock = new MutableClock(Instant.ofEpochSecond(Long.parseLong(VECTOR_TIMESTAMP)));
    final RecordingContext ctx = new RecordingContext(clock);
    FakePlatform platform;

    @BeforeEach
    void startPlatform() throws Exception {
        platform = FakePlatform.start();
    }

    @AfterEach
    void stopPlatform() {
        platform.close();
    }

    /** A clock for tests that moves only when told to. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration d) {
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

    /** A webhook request with the headers given (null: absent). */
    record Request(Headers headers, byte[] body) implements WebhookRequest {
        static Request of(String timestamp, String signature, String body) {
            Headers.Builder h = Headers.builder().add("Content-Type", "application/json");
            if (timestamp != null) {
                h.add(DiscordChannel.TIMESTAMP_HEADER, timestamp);
            }
            if (signature != null) {
                h.add(DiscordChannel.SIGNATURE_HEADER, signature);
            }
            return new Request(h.build(), body.getBytes(StandardCharsets.UTF_8));
        }

        static Request signed(String body, String timestamp) throws Exception {
            return of(timestamp, sign(SECRET_KEY, timestamp, body), body);
        }

        @Override
        public Optional<String> queryParam(String name) {
            return Optional.empty();
        }
    }

    /** The hex Ed25519 signature of {@code timestamp + body} with a raw 32-byte secret key. */
    static String sign(String secretKeyHex, String timestamp, String body) throws Exception {
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
                HexFormat.of().parseHex("302e020100300506032b657004220420" + secretKeyHex)));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(signer.sign());
    }

    DiscordChannel.Builder builder() {
        return DiscordChannel.builder().botToken(BOT_TOKEN).applicationId(APP_ID).publicKey(PUBLIC_KEY)
                .apiBase(platform.uri());
    }

    DiscordChannel started() {
        DiscordChannel channel = builder().build();
        channel.start(ctx);
        return channel;
    }

    static String now(Clock clock) {
        return String.valueOf(clock.instant().getEpochSecond());
    }

    static JsonObjectBuilder command(JsonObjectBuilder data) {
        return Json.createObjectBuilder().add("type", 2).add("id", "1190000000000000001").add("application_id", APP_ID)
                .add("token", INTERACTION_TOKEN).add("channel_id", CHANNEL_ID).add("guild_id", "1190000000000000005")
                .add("member", Json.createObjectBuilder().add("user",
                        Json.createObjectBuilder().add("id", "1190000000000000003").add("username", "ada")))
                .add("data", data);
    }

    static JsonObjectBuilder ask(String prompt) {
        return Json.createObjectBuilder().add("id", "1190000000000000007").add("name", "ask").add("type", 1)
                .add("options", Json.createArrayBuilder().add(Json.createObjectBuilder().add("name", "prompt")
                        .add("type", 3).add("value", prompt)));
    }

    static String text(WebhookResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonObject json(String text) {
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    static OutboundMessage reply(String text) {
        return new OutboundMessage("msg-1", "msg-1:0", CHANNEL_ID, Optional.empty(), text,
                Map.of("interaction_token", INTERACTION_TOKEN, "application_id", APP_ID), 1);
    }

    static OutboundMessage toChannel(String channelId, String text) {
        return new OutboundMessage("msg-2", "msg-2:0", channelId, Optional.empty(), text, Map.of(), 1);
    }

    static Reason reasonOf(DiscordChannel channel, WebhookRequest request) {
        return assertThrows(WebhookVerificationException.class, () -> channel.webhook(request)).reason();
    }

    @Test
    void nameKindAndCapabilities() {
        AllowList allow = new AllowList(Set.of(CHANNEL_ID), Set.of());
        DiscordChannel channel = builder().accountId("guild-a").allowList(allow).build();
        assertEquals("discord", channel.name());
        assertEquals("discord", channel.kind());
        assertEquals("guild-a", channel.accountId());
        assertEquals(allow, channel.allowList());
        assertEquals(new ChannelCapabilities(2000, false, true, ChannelCapabilities.Markdown.DISCORD, false),
                channel.capabilities());
    }

    @Test
    void startReportsRunningAndRefusesWithoutAPublicKey() {
        started();
        assertEquals(List.of(new Status(ChannelState.RUNNING, "webhook")), ctx.statuses());
        DiscordChannel keyless = DiscordChannel.builder().botToken(BOT_TOKEN).apiBase(platform.uri()).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> keyless.start(new RecordingContext(clock)));
        assertTrue(e.getMessage().startsWith("publicKey: required"), e.getMessage());
    }

    @Test
    void theSigningKeyOfTheTestsSignsThePublishedVector() throws Exception {
        assertEquals(VECTOR_SIGNATURE, sign(SECRET_KEY, VECTOR_TIMESTAMP, VECTOR_BODY));
    }

    @Test
    void aSignedPingIsAnsweredWithAPong() throws Exception {
        WebhookResponse response = started().webhook(Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY));
        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"type\":1}", text(response));
        assertEquals(List.of(), response.messages());
    }

    @Test
    void anInvalidSignatureIsRefused() throws Exception {
        DiscordChannel channel = started();
        String flipped = (VECTOR_SIGNATURE.charAt(0) == '0' ? "1" : "0") + VECTOR_SIGNATURE.substring(1);
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(channel, Request.of(VECTOR_TIMESTAMP, flipped, VECTOR_BODY)));
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(channel, Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, "{\"type\":2}")), "another body");
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(channel, Request.of(VECTOR_TIMESTAMP,
                sign(OTHER_SECRET_KEY, VECTOR_TIMESTAMP, VECTOR_BODY), VECTOR_BODY)), "another key");
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(channel, Request.of(VECTOR_TIMESTAMP, "not-hex", VECTOR_BODY)), "not hex");
    }

    @Test
    void aMissingSignatureOrTimestampIsRefused() {
        DiscordChannel channel = started();
        WebhookVerificationException noSignature = assertThrows(WebhookVerificationException.class,
                () -> channel.webhook(Request.of(VECTOR_TIMESTAMP, null, VECTOR_BODY)));
        assertEquals(Reason.MISSING_SIGNATURE, noSignature.reason());
        assertEquals("X-Signature-Ed25519: required", noSignature.getMessage());
        assertEquals(Reason.MISSING_SIGNATURE, reasonOf(channel, Request.of(null, VECTOR_SIGNATURE, VECTOR_BODY)));
    }

    @Test
    void aSignatureMoreThanFiveMinutesOldIsStale() {
        DiscordChannel channel = started();
        clock.advance(Duration.ofSeconds(300));
        assertEquals("{\"type\":1}", text(assertDoesNotThrow(
                () -> channel.webhook(Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY)))));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Reason.STALE_SIGNATURE, reasonOf(channel, Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY)));
    }

    @Test
    void theSignatureIsCheckedBeforeTheBodyIsParsed() throws Exception {
        DiscordChannel channel = started();
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(channel, Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, "{not json")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.signed("{not json", now(clock))));
        assertEquals("body: expected a Discord interaction (a JSON object)", e.getMessage());
    }

    @Test
    void aCommandIsDeferredAndItsPromptGoesToTheAgentWithTheFollowUpContext() throws Exception {
        String body = command(ask("what is the weather in Lisbon?")).build().toString();
        WebhookResponse response = started().webhook(Request.signed(body, now(clock)));
        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"type\":5}", text(response));
        assertEquals(List.of(new InboundMessage("1190000000000000001", CHANNEL_ID, Optional.empty(), "1190000000000000003",
                "what is the weather in Lisbon?", Map.of("interaction_token", INTERACTION_TOKEN, "application_id", APP_ID))),
                response.messages());
    }

    @Test
    void aCommandInADirectMessageIsFromItsUserAndWithoutOptionsIsItsName() throws Exception {
        String body = command(Json.createObjectBuilder().add("id", "7").add("name", "ask").add("type", 1))
                .remove("member").remove("guild_id")
                .add("user", Json.createObjectBuilder().add("id", "1190000000000000004")).build().toString();
        InboundMessage m = started().webhook(Request.signed(body, now(clock))).messages().get(0);
        assertEquals("1190000000000000004", m.userId());
        assertEquals("ask", m.text());
    }

    @Test
    void theFirstStringOptionCountsEvenInASubCommand() throws Exception {
        JsonObjectBuilder data = Json.createObjectBuilder().add("id", "7").add("name", "agent").add("type", 1)
                .add("options", Json.createArrayBuilder().add(Json.createObjectBuilder().add("name", "ask").add("type", 1)
                        .add("options", Json.createArrayBuilder()
                                .add(Json.createObjectBuilder().add("name", "count").add("type", 4).add("value", 3))
                                .add(Json.createObjectBuilder().add("name", "prompt").add("type", 3).add("value", "nested"))
                                .add(Json.createObjectBuilder().add("name", "tone").add("type", 3).add("value", "dry")))));
        String body = command(data).build().toString();
        assertEquals("nested", started().webhook(Request.signed(body, now(clock))).messages().get(0).text());
    }

    @Test
    void otherInteractionTypesAndMalformedCommandsAreRefusedNamingWhatIsWrong() throws Exception {
        DiscordChannel channel = started();
        assertEquals("type: unsupported interaction type 3", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.signed(command(ask("x")).add("type", 3).build().toString(), now(clock))))
                .getMessage());
        assertEquals("channel_id: required (a string)", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.signed(command(ask("x")).remove("channel_id").build().toString(),
                        now(clock)))).getMessage());
        assertEquals("member.user.id or user.id: required", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.signed(command(ask("x")).remove("member").build().toString(),
                        now(clock)))).getMessage());
        assertEquals("type: required (an integer)", assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(Request.signed("{\"id\":\"1\"}", now(clock)))).getMessage());
    }

    @Test
    void aReplyIsSentAsTheInteractionsFollowUpWithoutTheBotToken() throws Exception {
        platform.then(FOLLOW_UP, Answer.json(200, "{\"id\":\"1190000000000000555\",\"content\":\"sunny\"}"));
        DeliveryResult result = started().send(reply("sunny"));
        assertEquals(DeliveryResult.delivered("1190000000000000555"), result);
        Received sent = platform.take(WAIT);
        assertEquals("POST", sent.method());
        assertEquals(FOLLOW_UP, sent.path());
        assertEquals("application/json", sent.header("Content-Type"));
        assertNull(sent.header("Authorization"));
        assertTrue(sent.header("User-Agent").startsWith("DiscordBot ("), sent.header("User-Agent"));
        assertEquals(json("{\"content\":\"sunny\",\"allowed_mentions\":{\"parse\":[]}}"), json(sent.text()));
    }

    @Test
    void aMessageThatAnswersNoInteractionIsPostedToTheChannelWithTheBotToken() throws Exception {
        platform.then(CHANNEL_MESSAGES, Answer.json(200, "{\"id\":\"1190000000000000666\"}"));
        DeliveryResult result = started().send(toChannel(CHANNEL_ID, "good morning"));
        assertEquals(DeliveryResult.delivered("1190000000000000666"), result);
        Received sent = platform.take(WAIT);
        assertEquals("POST", sent.method());
        assertEquals(CHANNEL_MESSAGES, sent.path());
        assertEquals("Bot " + BOT_TOKEN, sent.header("Authorization"));
        assertEquals("application/json", sent.header("Content-Type"));
        assertEquals(json("{\"content\":\"good morning\",\"allowed_mentions\":{\"parse\":[]}}"), json(sent.text()));
    }

    @Test
    void aRateLimitIsRetriedAfterExactlyTheFractionalWaitDiscordAskedFor() throws Exception {
        platform.then(CHANNEL_MESSAGES, Answer.json(429, "{\"message\":\"You are being rate limited.\","
                + "\"retry_after\":1.5,\"global\":false}"));
        DeliveryResult result = started().send(toChannel(CHANNEL_ID, "hi"));
        DeliveryResult.Retry retry = assertInstanceOf(DeliveryResult.Retry.class, result);
        assertEquals(Optional.of(Duration.ofMillis(1500)), retry.after());
    }

    @Test
    void aRefusalFailsAndAServerErrorIsRetried() throws Exception {
        platform.then(CHANNEL_MESSAGES,
                Answer.json(403, "{\"message\":\"Missing Access\",\"code\":50001}"),
                Answer.json(502, "{\"message\":\"Bad Gateway\"}"));
        DiscordChannel channel = started();
        assertEquals(new DeliveryResult.Failed("HTTP 403: {\"message\":\"Missing Access\",\"code\":50001}"),
                channel.send(toChannel(CHANNEL_ID, "hi")));
        assertEquals(DeliveryResult.retry("HTTP 502: {\"message\":\"Bad Gateway\"}"),
                channel.send(toChannel(CHANNEL_ID, "hi")));
    }

    @Test
    void noTokenAppearsInAReasonEvenWhenTheAnswerEchoesIt() throws Exception {
        platform.then(FOLLOW_UP, Answer.json(404, "{\"message\":\"Unknown Webhook " + INTERACTION_TOKEN + "\"}"));
        platform.then(CHANNEL_MESSAGES, Answer.json(401, "{\"message\":\"401: Unauthorized " + BOT_TOKEN + "\"}"));
        DiscordChannel channel = started();
        assertEquals(new DeliveryResult.Failed("HTTP 404: {\"message\":\"Unknown Webhook <interaction token>\"}"),
                channel.send(reply("hi")));
        assertEquals(new DeliveryResult.Failed("HTTP 401: {\"message\":\"401: Unauthorized <bot token>\"}"),
                channel.send(toChannel(CHANNEL_ID, "hi")));
    }

    @Test
    void anExhaustedBucketHoldsLaterSendsToItsRouteWithoutARequest() throws Exception {
        platform.then(CHANNEL_MESSAGES, Answer.json(200, "{\"id\":\"1\"}").withHeader("X-RateLimit-Limit", "5")
                .withHeader("X-RateLimit-Remaining", "0").withHeader("X-RateLimit-Reset-After", "2.5"),
                Answer.json(200, "{\"id\":\"3\"}"));
        platform.then("/channels/1190000000000000099/messages", Answer.json(200, "{\"id\":\"2\"}"));
        DiscordChannel channel = started();
        assertEquals(DeliveryResult.delivered("1"), channel.send(toChannel(CHANNEL_ID, "one")));
        assertEquals(CHANNEL_MESSAGES, platform.take(WAIT).path());

        assertEquals(DeliveryResult.retryAfter(Duration.ofMillis(2500), "discord rate limit bucket exhausted"),
                channel.send(toChannel(CHANNEL_ID, "two")));
        assertEquals(List.of(), platform.drain(), "no request while the bucket is exhausted");

        assertEquals(DeliveryResult.delivered("2"), channel.send(toChannel("1190000000000000099", "elsewhere")),
                "another route is not held");
        assertEquals("/channels/1190000000000000099/messages", platform.take(WAIT).path());

        clock.advance(Duration.ofSeconds(1));
        assertEquals(DeliveryResult.retryAfter(Duration.ofMillis(1500), "discord rate limit bucket exhausted"),
                channel.send(toChannel(CHANNEL_ID, "two")));
        assertEquals(List.of(), platform.drain());

        clock.advance(Duration.ofMillis(1500));
        assertEquals(DeliveryResult.delivered("3"), channel.send(toChannel(CHANNEL_ID, "two")));
        Received sent = platform.take(WAIT);
        assertEquals(CHANNEL_MESSAGES, sent.path());
        assertEquals(json("{\"content\":\"two\",\"allowed_mentions\":{\"parse\":[]}}"), json(sent.text()));
    }

    @Test
    void anExhaustedFollowUpBucketHoldsOnlyThatInteraction() throws Exception {
        platform.then(FOLLOW_UP, Answer.json(200, "{\"id\":\"1\"}").withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset-After", "0.25"));
        DiscordChannel channel = started();
        assertEquals(DeliveryResult.delivered("1"), channel.send(reply("one")));
        platform.take(WAIT);
        assertEquals(DeliveryResult.retryAfter(Duration.ofMillis(250), "discord rate limit bucket exhausted"),
                channel.send(reply("two")));
        assertEquals(DeliveryResult.delivered(null), channel.send(toChannel(CHANNEL_ID, "to the channel")),
                "the channel route is another bucket");
        assertEquals(CHANNEL_MESSAGES, platform.take(WAIT).path());
        assertEquals(List.of(), platform.drain());
    }

    @Test
    void aBucketWithRequestsLeftHoldsNothing() throws Exception {
        platform.then(CHANNEL_MESSAGES, Answer.json(200, "{\"id\":\"1\"}").withHeader("X-RateLimit-Remaining", "1")
                .withHeader("X-RateLimit-Reset-After", "2.5"), Answer.json(200, "{\"id\":\"2\"}"));
        DiscordChannel channel = started();
        assertEquals(DeliveryResult.delivered("1"), channel.send(toChannel(CHANNEL_ID, "one")));
        assertEquals(DeliveryResult.delivered("2"), channel.send(toChannel(CHANNEL_ID, "two")));
        assertEquals(2, platform.drain().size());
    }

    @Test
    void aChannelIdThatIsNotASnowflakeFailsWithoutARequest() throws Exception {
        DiscordChannel channel = started();
        assertEquals(new DeliveryResult.Failed("chatId: ../users/@me (expected: a Discord channel id, digits)"),
                channel.send(toChannel("../users/@me", "hi")));
        assertEquals(List.of(), platform.drain());
    }

    @Test
    void anUnreachableApiIsRetriedWithoutTheTokenInTheReason() throws Exception {
        URI closed;
        try (FakePlatform gone = FakePlatform.start()) {
            closed = gone.uri();
        }
        DiscordChannel channel = builder().apiBase(closed).build();
        channel.start(ctx);
        DeliveryResult.Retry retry = assertInstanceOf(DeliveryResult.Retry.class, channel.send(reply("hi")));
        assertFalse(retry.reason().contains(INTERACTION_TOKEN), retry.reason());
        assertEquals(Optional.empty(), retry.after());
    }

    @Test
    void aChannelNotStartedTakesNoRequests() {
        DiscordChannel channel = builder().build();
        assertThrows(IllegalStateException.class,
                () -> channel.webhook(Request.of(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY)));
        assertThrows(IllegalStateException.class, () -> channel.send(toChannel(CHANNEL_ID, "hi")));
    }

    @Test
    void theBuilderNamesWhatIsMissingOrInvalid() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiscordChannel.builder().publicKey(PUBLIC_KEY)
                .build()).getMessage().startsWith("botToken: required"));
        IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                () -> DiscordChannel.builder().botToken("Bot secret\r\nX: y").build());
        assertTrue(badToken.getMessage().startsWith("botToken: expected a Discord bot token"), badToken.getMessage());
        assertFalse(badToken.getMessage().contains("secret"), badToken.getMessage());
        for (String key : List.of(PUBLIC_KEY.substring(2), "zz" + PUBLIC_KEY.substring(2), "")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().publicKey(key).build())
                    .getMessage().startsWith("publicKey: "), key);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().applicationId("app").build())
                .getMessage().startsWith("applicationId: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().timeout(Duration.ofSeconds(-1)).build())
                .getMessage().startsWith("timeout: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().accountId("").build())
                .getMessage().startsWith("accountId: "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> builder().apiBase(URI.create("discord.com/api")).build()).getMessage().startsWith("apiBase: "));
    }
}
