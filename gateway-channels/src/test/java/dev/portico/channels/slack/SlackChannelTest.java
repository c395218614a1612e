package dev.portico.channels.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.channel.WebhookVerificationException.Reason;
import dev.portico.api.transport.Headers;
import dev.portico.auth.WebhookSignatures;
import dev.portico.channels.FakePlatform;
import dev.portico.channels.RecordingContext;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SlackChannelTest {
    private static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String BOT_TOKEN = "xoxb-1234-5678-abcdefghijkl";
    private static final long NOW = 1_700_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String POST_MESSAGE = "/api/chat.postMessage";

    private FakePlatform platform;

    @BeforeEach
    void startPlatform() throws Exception {
        platform = FakePlatform.start();
    }

    @AfterEach
    void stopPlatform() {
        platform.close();
    }

    // --- receiving

    @Test
    void signedMessageEventBecomesAnInboundMessageAnsweredOkAtOnce() throws Exception {
        SlackChannel channel = started();

        WebhookResponse response = channel.webhook(signed(eventCallback("Ev01",
                "{\"type\":\"message\",\"channel\":\"C123\",\"user\":\"U456\",\"text\":\"hello agent\",\"ts\":\"1.2\"}")));

        assertEquals(WebhookResponse.ok(List.of(InboundMessage.of("Ev01", "C123", "U456", "hello agent"))), response);
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void appMentionInAThreadCarriesTheThreadTs() throws Exception {
        SlackChannel channel = started();

        WebhookResponse response = channel.webhook(signed(eventCallback("Ev02", "{\"type\":\"app_mention\","
                + "\"channel\":\"C123\",\"user\":\"U456\",\"text\":\"<@UBOT> status?\",\"ts\":\"1700.0002\","
                + "\"thread_ts\":\"1699.0001\"}")));

        assertEquals(List.of(new InboundMessage("Ev02", "C123", Optional.of("1699.0001"), "U456", "<@UBOT> status?",
                Map.of())), response.messages());
    }

    @Test
    void urlVerificationIsAnsweredWithItsChallenge() throws Exception {
        SlackChannel channel = started();

        WebhookResponse response = channel.webhook(signed(
                "{\"token\":\"legacy\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\","
                        + "\"type\":\"url_verification\"}"));

        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}",
                new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(), response.messages());
    }

    @Test
    void botMessagesAndMessagesWithASubtypeNeverReachTheAgent() throws Exception {
        SlackChannel channel = started();

        for (String event : List.of(
                "{\"type\":\"message\",\"channel\":\"C1\",\"bot_id\":\"B9\",\"user\":\"UBOT\",\"text\":\"my own reply\"}",
                "{\"type\":\"message\",\"subtype\":\"bot_message\",\"channel\":\"C1\",\"bot_id\":\"B9\",\"text\":\"x\"}",
                "{\"type\":\"message\",\"subtype\":\"message_changed\",\"channel\":\"C1\",\"message\":{\"text\":\"x\"}}",
                "{\"type\":\"message\",\"subtype\":\"channel_join\",\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"joined\"}",
                "{\"type\":\"app_mention\",\"channel\":\"C1\",\"bot_id\":\"B7\",\"user\":\"U7\",\"text\":\"<@UBOT>\"}")) {
            assertEquals(WebhookResponse.ok(List.of()), channel.webhook(signed(eventCallback("Ev03", event))), event);
        }
    }

    @Test
    void otherEventsAndCallbacksAreAnsweredOkWithoutMessages() throws Exception {
        SlackChannel channel = started();

        assertEquals(WebhookResponse.ok(List.of()), channel.webhook(signed(eventCallback("Ev04",
                "{\"type\":\"reaction_added\",\"user\":\"U1\",\"reaction\":\"thumbsup\"}"))));
        assertEquals(WebhookResponse.ok(List.of()), channel.webhook(signed(
                "{\"type\":\"app_rate_limited\",\"minute_rate_limited\":1518467820}")));
    }

    @Test
    void eventMissingAFieldAMessageNeedsIsIllegalArgument() throws Exception {
        SlackChannel channel = started();

        assertEquals("event.channel: required", malformed(channel, eventCallback("Ev05",
                "{\"type\":\"message\",\"user\":\"U1\",\"text\":\"t\"}")));
        assertEquals("event.user: required", malformed(channel, eventCallback("Ev05",
                "{\"type\":\"message\",\"channel\":\"C1\",\"text\":\"t\"}")));
        assertEquals("event.text: required", malformed(channel, eventCallback("Ev05",
                "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\"}")));
        assertEquals("event_id: required", malformed(channel,
                "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\","
                        + "\"text\":\"t\"}}"));
        assertEquals("event: required (an object)", malformed(channel, "{\"type\":\"event_callback\",\"event_id\":\"E\"}"));
        assertEquals("challenge: required", malformed(channel, "{\"type\":\"url_verification\"}"));
    }

    @Test
    void malformedJsonWithAGoodSignatureIsIllegalArgument() throws Exception {
        SlackChannel channel = started();

        assertEquals("body: not valid JSON", malformed(channel, "{\"type\":\"event_callback\","));
        assertEquals("body: expected a JSON object", malformed(channel, "\"url_verification\""));
    }

    // --- verification

    @Test
    void requestWithoutSignatureHeadersIsMissingSignature() throws Exception {
        SlackChannel channel = started();
        byte[] body = utf8(eventCallback("Ev06", "{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"t\"}"));

        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.empty(), body)));
        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.builder()
                .add("X-Slack-Request-Timestamp", Long.toString(NOW)).build(), body)));
        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.builder()
                .add("X-Slack-Signature", WebhookSignatures.slackHeader(utf8(SIGNING_SECRET), Long.toString(NOW), body))
                .build(), body)));
    }

    @Test
    void requestSignedWithAnotherSecretIsInvalid() throws Exception {
        SlackChannel channel = started();
        byte[] body = utf8("{\"type\":\"url_verification\",\"challenge\":\"c\"}");

        expect(Reason.INVALID_SIGNATURE, () -> channel.webhook(request(body, NOW, "another-signing-secret")));
    }

    @Test
    void requestOutsideTheFiveMinuteWindowIsStale() throws Exception {
        SlackChannel channel = started();
        byte[] body = utf8("{\"type\":\"url_verification\",\"challenge\":\"c\"}");

        expect(Reason.STALE_SIGNATURE, () -> channel.webhook(request(body, NOW - 301, SIGNING_SECRET)));
        expect(Reason.STALE_SIGNATURE, () -> channel.webhook(request(body, NOW + 301, SIGNING_SECRET)));
        assertEquals(200, channel.webhook(request(body, NOW - 300, SIGNING_SECRET)).status());
    }

    @Test
    void bodyIsNotReadWhenTheSignatureFails() throws Exception {
        SlackChannel channel = started();
        byte[] notJson = utf8("{\"type\":");

        expect(Reason.INVALID_SIGNATURE, () -> channel.webhook(request(notJson, NOW, "another-signing-secret")));
        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.empty(), notJson)));
        expect(Reason.STALE_SIGNATURE, () -> channel.webhook(request(notJson, NOW - 3600, SIGNING_SECRET)));
    }

    // --- configuration

    @Test
    void startRefusesWithoutASigningSecret() {
        SlackChannel channel = SlackChannel.builder().botToken(BOT_TOKEN).build();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> channel.start(new RecordingContext(CLOCK)));

        assertEquals("slack channel: no signingSecret configured; unsigned requests are never accepted", e.getMessage());
    }

    @Test
    void startRefusesWithoutABotToken() {
        SlackChannel channel = SlackChannel.builder().signingSecret(SIGNING_SECRET).build();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> channel.start(new RecordingContext(CLOCK)));

        assertEquals("slack channel: no botToken configured; replies could not be sent", e.getMessage());
    }

    @Test
    void buildRejectsInvalidSettingsByNameWithoutEchoingSecrets() {
        String badToken = invalid(SlackChannel.builder().botToken("xoxb-has space").signingSecret(SIGNING_SECRET));
        assertEquals("botToken: expected printable ASCII without spaces (xoxb-…)", badToken);
        assertEquals("signingSecret: must not be blank", invalid(SlackChannel.builder().signingSecret(" ")));
        assertEquals("apiBase: expected an absolute http or https URI without query or fragment",
                invalid(SlackChannel.builder().apiBase(URI.create("/api"))));
        assertTrue(invalid(SlackChannel.builder().accountId("")).startsWith("accountId: "));
        assertEquals("timeout: PT-1S (expected: > 0)", invalid(SlackChannel.builder().timeout(Duration.ofSeconds(-1))));
    }

    @Test
    void describesItselfAsSlack() {
        AllowList allow = new AllowList(Set.of("C1"), Set.of("U1"));
        SlackChannel channel = SlackChannel.builder().botToken(BOT_TOKEN).signingSecret(SIGNING_SECRET)
                .accountId("acme").allowList(allow).build();

        assertEquals("slack", channel.name());
        assertEquals("slack", channel.kind());
        assertEquals("acme", channel.accountId());
        assertEquals(allow, channel.allowList());
        assertEquals(new ChannelCapabilities(4000, true, true, ChannelCapabilities.Markdown.SLACK, false),
                channel.capabilities());
    }

    // --- sending

    @Test
    void sendPostsChatPostMessageWithTheBotTokenAndReturnsTheTs() throws Exception {
        platform.then(POST_MESSAGE, FakePlatform.Answer.json(200,
                "{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1700000000.000100\"}"));
        SlackChannel channel = started();

        DeliveryResult result = channel.send(outbound("C123", Optional.empty(), "the reply"));

        assertEquals(DeliveryResult.delivered("1700000000.000100"), result);
        FakePlatform.Received r = platform.take(WAIT);
        assertEquals("POST", r.method());
        assertEquals(POST_MESSAGE, r.path());
        assertEquals("Bearer " + BOT_TOKEN, r.header("Authorization"));
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
        assertEquals(Json.createObjectBuilder().add("channel", "C123").add("text", "the reply").build(), json(r.body()));
    }

    @Test
    void threadOfAnInboundMessageIsCarriedIntoTheReply() throws Exception {
        SlackChannel channel = started();
        InboundMessage in = channel.webhook(signed(eventCallback("Ev07", "{\"type\":\"message\",\"channel\":\"C9\","
                + "\"user\":\"U1\",\"text\":\"in a thread\",\"ts\":\"1700.2\",\"thread_ts\":\"1700.1\"}")))
                .messages().get(0);

        channel.send(new OutboundMessage("m-1", "m-1:0", in.chatId(), in.threadId(), "answer", in.replyContext(), 1));

        assertEquals(Json.createObjectBuilder().add("channel", "C9").add("text", "answer").add("thread_ts", "1700.1")
                .build(), json(platform.take(WAIT).body()));
    }

    @Test
    void refusalInAnOkFalseAnswerFails() throws Exception {
        platform.then(POST_MESSAGE, FakePlatform.Answer.json(200, "{\"ok\":false,\"error\":\"channel_not_found\"}"),
                FakePlatform.Answer.json(200, "{\"ok\":false}"));
        SlackChannel channel = started();

        assertEquals(new DeliveryResult.Failed("slack: channel_not_found"),
                channel.send(outbound("C404", Optional.empty(), "x")));
        assertEquals(new DeliveryResult.Failed("slack: no error named"),
                channel.send(outbound("C404", Optional.empty(), "x")));
    }

    @Test
    void ratelimitedInAnOkFalseAnswerIsRetriedAfterItsRetryAfter() throws Exception {
        platform.then(POST_MESSAGE,
                FakePlatform.Answer.json(200, "{\"ok\":false,\"error\":\"ratelimited\"}").withHeader("Retry-After", "12"),
                FakePlatform.Answer.json(200, "{\"ok\":false,\"error\":\"ratelimited\"}"));
        SlackChannel channel = started();

        assertEquals(DeliveryResult.retryAfter(Duration.ofSeconds(12), "slack: ratelimited"),
                channel.send(outbound("C1", Optional.empty(), "x")));
        assertEquals(DeliveryResult.retry("slack: ratelimited"), channel.send(outbound("C1", Optional.empty(), "x")));
    }

    @Test
    void transientSlackErrorsAreRetriedWithBackoff() throws Exception {
        SlackChannel channel = started();
        for (String error : List.of("internal_error", "fatal_error", "service_unavailable", "request_timeout")) {
            platform.then(POST_MESSAGE, FakePlatform.Answer.json(200, "{\"ok\":false,\"error\":\"" + error + "\"}"));

            assertEquals(DeliveryResult.retry("slack: " + error), channel.send(outbound("C1", Optional.empty(), "x")));
        }
    }

    @Test
    void http429IsRetriedAfterExactlyItsRetryAfter() throws Exception {
        platform.then(POST_MESSAGE,
                FakePlatform.Answer.json(429, "{\"ok\":false,\"error\":\"ratelimited\"}").withHeader("Retry-After", "30"));
        SlackChannel channel = started();

        DeliveryResult result = channel.send(outbound("C1", Optional.empty(), "x"));

        assertEquals(Optional.of(Duration.ofSeconds(30)), assertInstanceOf(DeliveryResult.Retry.class, result).after());
    }

    @Test
    void serverErrorIsRetriedWithBackoff() throws Exception {
        platform.then(POST_MESSAGE, new FakePlatform.Answer(500, Map.of(), "", Duration.ZERO));
        SlackChannel channel = started();

        assertEquals(DeliveryResult.retry("HTTP 500"), channel.send(outbound("C1", Optional.empty(), "x")));
    }

    @Test
    void http400Fails() throws Exception {
        platform.then(POST_MESSAGE, FakePlatform.Answer.json(400, "{\"ok\":false,\"error\":\"invalid_json\"}"));
        SlackChannel channel = started();

        DeliveryResult result = channel.send(outbound("C1", Optional.empty(), "x"));

        assertEquals(new DeliveryResult.Failed("HTTP 400: {\"ok\":false,\"error\":\"invalid_json\"}"), result);
    }

    @Test
    void answerThatIsNotJsonLeavesTheOutcomeUnknown() throws Exception {
        platform.then(POST_MESSAGE, new FakePlatform.Answer(200, Map.of(), "<html>proxy</html>", Duration.ZERO));
        SlackChannel channel = started();

        assertEquals(new DeliveryResult.Unknown("slack: HTTP 200 without a JSON answer"),
                channel.send(outbound("C1", Optional.empty(), "x")));
    }

    @Test
    void refusedConnectionIsRetriedAndNeverNamesTheToken() throws Exception {
        URI apiBase = platform.uri().resolve("/api");
        platform.close();
        SlackChannel channel = SlackChannel.builder().botToken(BOT_TOKEN).signingSecret(SIGNING_SECRET)
                .apiBase(apiBase).build();
        channel.start(new RecordingContext(CLOCK));

        DeliveryResult result = channel.send(outbound("C1", Optional.empty(), "x"));

        DeliveryResult.Retry retry = assertInstanceOf(DeliveryResult.Retry.class, result);
        assertEquals(Optional.empty(), retry.after());
        assertFalse(retry.reason().contains(BOT_TOKEN), retry.reason());
    }

    @Test
    void apiBaseWithATrailingSlashPostsToTheSamePath() throws Exception {
        SlackChannel channel = SlackChannel.builder().botToken(BOT_TOKEN).signingSecret(SIGNING_SECRET)
                .apiBase(platform.uri().resolve("/api/")).build();
        channel.start(new RecordingContext(CLOCK));

        channel.send(outbound("C1", Optional.empty(), "x"));

        assertEquals(POST_MESSAGE, platform.take(WAIT).path());
    }

    // --- helpers

    /** A webhook request as the gateway hands it over. */
    private record Request(Headers headers, byte[] body) implements WebhookRequest {
        @Override
        public Optional<String> queryParam(String name) {
            return Optional.empty();
        }
    }

    private SlackChannel started() {
        SlackChannel channel = SlackChannel.builder().botToken(BOT_TOKEN).signingSecret(SIGNING_SECRET)
                .apiBase(platform.uri().resolve("/api")).build();
        channel.start(new RecordingContext(CLOCK));
        return channel;
    }

    private static String eventCallback(String eventId, String event) {
        return "{\"token\":\"legacy\",\"team_id\":\"T1\",\"api_app_id\":\"A1\",\"event\":" + event
                + ",\"type\":\"event_callback\",\"event_id\":\"" + eventId + "\",\"event_time\":1700000000}";
    }

    private static WebhookRequest signed(String body) {
        return request(utf8(body), NOW, SIGNING_SECRET);
    }

    private static WebhookRequest request(byte[] body, long timestamp, String secret) {
        String ts = Long.toString(timestamp);
        return new Request(Headers.builder().add("X-Slack-Request-Timestamp", ts)
                .add("X-Slack-Signature", WebhookSignatures.slackHeader(utf8(secret), ts, body)).build(), body);
    }

    private static String malformed(SlackChannel channel, String body) {
        return assertThrows(IllegalArgumentException.class, () -> channel.webhook(signed(body))).getMessage();
    }

    private static void expect(Reason reason, Executable call) {
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    private static String invalid(SlackChannel.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    private static OutboundMessage outbound(String chat, Optional<String> thread, String text) {
        return new OutboundMessage("m-1", "m-1:0", chat, thread, text, Map.of(), 1);
    }

    private static JsonObject json(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
