package dev.portico.channels.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class WebhookChannelTest {
    private static final String SECRET = "shared-secret-for-tests";
    /** The Standard Webhooks secret of the published {@code standard_webhooks_v1} vector. */
    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** The public key of the published {@code standard_webhooks_v1a} vector. */
    private static final String WHPK = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
    private static final long NOW = 1_700_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String REPLIES = "/hooks/replies";

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
    void hubSignedMessageIsAnsweredOkWithItsMessage() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"chat_id\":\"c-1\",\"text\":\"hello\",\"user_id\":\"u-7\",\"thread_id\":\"t-3\",\"id\":\"evt-1\"}");

        WebhookResponse response = channel.webhook(request(body, "X-Hub-Signature-256", hub(body)));

        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(new InboundMessage("evt-1", "c-1", Optional.of("t-3"), "u-7", "hello", Map.of())),
                response.messages());
    }

    @Test
    void bareHexInXSignatureIsAccepted() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"chat_id\":\"c-1\",\"text\":\"hi\",\"id\":\"e\"}");
        String bareHex = hub(body).substring("sha256=".length());

        WebhookResponse response = channel.webhook(request(body, "X-Signature", bareHex));

        assertEquals(List.of(InboundMessage.of("e", "c-1", "c-1", "hi")), response.messages());
    }

    @Test
    void numericIdsBecomeTheirDecimalTextAndMessageOrContentServeAsText() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] first = utf8("{\"chat_id\":-100123,\"message\":\"via message\",\"user_id\":42,\"thread_id\":7,\"id\":9}");
        byte[] second = utf8("{\"chat_id\":1E+3,\"content\":\"via content\",\"id\":\"x\"}");

        assertEquals(List.of(new InboundMessage("9", "-100123", Optional.of("7"), "42", "via message", Map.of())),
                channel.webhook(request(first, "X-Hub-Signature-256", hub(first))).messages());
        assertEquals(List.of(InboundMessage.of("x", "1000", "1000", "via content")),
                channel.webhook(request(second, "X-Hub-Signature-256", hub(second))).messages());
    }

    @Test
    void userIdDefaultsToTheChat() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"chat_id\":\"room\",\"text\":\"hi\",\"id\":\"e\"}");

        InboundMessage m = channel.webhook(request(body, "X-Hub-Signature-256", hub(body))).messages().get(0);

        assertEquals("room", m.userId());
        assertEquals(Optional.empty(), m.threadId());
    }

    @Test
    void envelopedMessageEventIsRead() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"event\":\"message\",\"id\":\"outer\",\"data\":{\"chat_id\":5,\"text\":\"inside\","
                + "\"user_id\":\"u\",\"thread_id\":\"th\"}}");

        WebhookResponse response = channel.webhook(request(body, "X-Hub-Signature-256", hub(body)));

        assertEquals(List.of(new InboundMessage("outer", "5", Optional.of("th"), "u", "inside", Map.of())),
                response.messages());
    }

    @Test
    void otherEnvelopedEventIsAnsweredOkWithoutMessages() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"event\":\"ping\",\"data\":{\"zen\":\"keep it simple\"}}");

        WebhookResponse response = channel.webhook(request(body, "X-Hub-Signature-256", hub(body)));

        assertEquals(WebhookResponse.ok(List.of()), response);
    }

    @Test
    void eventIdIsTheWebhookIdHeaderThenTheBodyIdThenTheGitHubDeliveryThenTheBodyDigest() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] withId = utf8("{\"chat_id\":\"c\",\"text\":\"t\",\"id\":\"body-id\"}");
        byte[] withoutId = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");

        assertEquals("header-id", eventId(channel, Headers.builder().add("X-Hub-Signature-256", hub(withId))
                .add("webhook-id", "header-id").add("X-GitHub-Delivery", "gh").build(), withId));
        assertEquals("body-id", eventId(channel, Headers.builder().add("X-Hub-Signature-256", hub(withId))
                .add("X-GitHub-Delivery", "gh").build(), withId));
        assertEquals("gh", eventId(channel, Headers.builder().add("X-Hub-Signature-256", hub(withoutId))
                .add("X-GitHub-Delivery", "gh").build(), withoutId));
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(withoutId));
        assertEquals(digest, eventId(channel, Headers.builder().add("X-Hub-Signature-256", hub(withoutId)).build(),
                withoutId));
    }

    @Test
    void standardWebhooksSignedMessageIsAcceptedWithItsWebhookIdAsEventId() throws Exception {
        WebhookChannel channel = started(standard());
        byte[] body = utf8("{\"chat_id\":\"c-9\",\"text\":\"standard\",\"id\":\"ignored-for-the-header\"}");

        WebhookResponse response = channel.webhook(standardRequest(body, "msg_1", NOW, WHSEC));

        assertEquals(List.of(InboundMessage.of("msg_1", "c-9", "c-9", "standard")), response.messages());
    }

    // --- verification

    @Test
    void hubRequestWithoutSignatureIsMissingSignature() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");

        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.empty(), body)));
    }

    @Test
    void hubRequestSignedWithAnotherSecretIsInvalid() throws Exception {
        WebhookChannel channel = started(hmac());
        byte[] body = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");
        String wrong = WebhookSignatures.hubSha256Header(utf8("another-secret"), body);

        expect(Reason.INVALID_SIGNATURE, () -> channel.webhook(request(body, "X-Hub-Signature-256", wrong)));
    }

    @Test
    void standardRequestWithoutItsHeadersIsMissingSignature() throws Exception {
        WebhookChannel channel = started(standard());
        byte[] body = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");

        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(new Request(Headers.empty(), body)));
        expect(Reason.MISSING_SIGNATURE, () -> channel.webhook(request(body, "X-Hub-Signature-256", hub(body))));
    }

    @Test
    void standardRequestSignedWithAnotherSecretIsInvalid() throws Exception {
        WebhookChannel channel = started(standard());
        byte[] body = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");

        expect(Reason.INVALID_SIGNATURE, () -> channel.webhook(standardRequest(body, "msg_1", NOW,
                "whsec_" + java.util.Base64.getEncoder().encodeToString(utf8("another secret")))));
    }

    @Test
    void standardRequestOutsideTheFiveMinuteWindowIsStale() throws Exception {
        WebhookChannel channel = started(standard());
        byte[] body = utf8("{\"chat_id\":\"c\",\"text\":\"t\"}");

        expect(Reason.STALE_SIGNATURE, () -> channel.webhook(standardRequest(body, "msg_1", NOW - 301, WHSEC)));
        expect(Reason.STALE_SIGNATURE, () -> channel.webhook(standardRequest(body, "msg_1", NOW + 301, WHSEC)));
        assertEquals(1, channel.webhook(standardRequest(body, "msg_1", NOW - 300, WHSEC)).messages().size());
    }

    @Test
    void bodyIsNotReadWhenTheSignatureFails() throws Exception {
        WebhookChannel hub = started(hmac());
        WebhookChannel std = started(standard());
        byte[] notJson = utf8("{not json");

        expect(Reason.INVALID_SIGNATURE, () -> hub.webhook(request(notJson, "X-Hub-Signature-256", "sha256=00")));
        expect(Reason.MISSING_SIGNATURE, () -> hub.webhook(new Request(Headers.empty(), notJson)));
        expect(Reason.STALE_SIGNATURE, () -> std.webhook(standardRequest(notJson, "msg_1", NOW - 3600, WHSEC)));
    }

    // --- malformed bodies with good signatures

    @Test
    void malformedJsonWithAGoodSignatureIsIllegalArgument() throws Exception {
        WebhookChannel channel = started(hmac());

        assertEquals("body: not valid JSON", malformed(channel, "{\"chat_id\""));
        assertEquals("body: not valid JSON", malformed(channel, "{\"chat_id\":\"c\",\n\"text\": hi}"));
        assertEquals("body: expected a JSON object", malformed(channel, "[{\"chat_id\":\"c\",\"text\":\"t\"}]"));
        assertEquals("body: not valid JSON", malformed(channel, "{\"chat_id\":\"c\",\"text\":\"t\"} trailing"));
        assertEquals("body: not valid UTF-8", malformed(channel, new byte[] {'{', (byte) 0xC3, '}'}));
        assertEquals("body: not valid JSON", malformed(channel, ""));
    }

    @Test
    void missingOrMistypedFieldsAreNamed() throws Exception {
        WebhookChannel channel = started(hmac());

        assertEquals("chat_id: required", malformed(channel, "{\"text\":\"t\"}"));
        assertEquals("chat_id: required", malformed(channel, "{\"chat_id\":\" \",\"text\":\"t\"}"));
        assertEquals("text: required (as text, message or content)", malformed(channel, "{\"chat_id\":\"c\"}"));
        assertEquals("chat_id: expected a string or a number", malformed(channel, "{\"chat_id\":true,\"text\":\"t\"}"));
        assertEquals("text: expected a string", malformed(channel, "{\"chat_id\":\"c\",\"text\":{\"a\":1}}"));
        assertEquals("text: must not be blank", malformed(channel, "{\"chat_id\":\"c\",\"text\":\"  \"}"));
        assertEquals("data: required (an object holding the message)", malformed(channel, "{\"event\":\"message\"}"));
        assertEquals("event: expected a string", malformed(channel, "{\"event\":1,\"data\":{}}"));
        assertEquals("chat_id: a number too large or too long to be an id",
                malformed(channel, "{\"chat_id\":1e999999999,\"text\":\"t\"}"));
    }

    // --- configuration

    @Test
    void startRefusesWithoutASecret() {
        WebhookChannel channel = WebhookChannel.builder().name("github").build();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> channel.start(new RecordingContext(CLOCK)));

        assertEquals("webhook channel github: no secret configured (expected: secret or standardWebhooks); "
                + "unsigned requests are never accepted", e.getMessage());
    }

    @Test
    void buildRejectsInvalidSettingsByName() {
        assertEquals("name: required", invalid(WebhookChannel.builder().secret(SECRET)));
        assertTrue(invalid(WebhookChannel.builder().name("GitHub").secret(SECRET)).startsWith("name: GitHub"));
        assertTrue(invalid(WebhookChannel.builder().name("a".repeat(33)).secret(SECRET)).startsWith("name: "));
        assertTrue(invalid(WebhookChannel.builder().name("gh").accountId("a b").secret(SECRET))
                .startsWith("accountId: "));
        assertEquals("webhook channel gh: secret and standardWebhooks are both set (expected: one of them)",
                invalid(WebhookChannel.builder().name("gh").secret(SECRET).standardWebhooks(WHSEC)));
        assertEquals("secret: must not be empty", invalid(WebhookChannel.builder().name("gh").secret("")));
        assertEquals("standardWebhooks: expected whsec_<base64> or whpk_<base64>",
                invalid(WebhookChannel.builder().name("gh").standardWebhooks("plain-secret")));
        assertEquals("standardWebhooks: the key after its prefix is not valid base64",
                invalid(WebhookChannel.builder().name("gh").standardWebhooks("whsec_not*base64")));
        assertEquals("standardWebhooks: the whsec_ secret is empty",
                invalid(WebhookChannel.builder().name("gh").standardWebhooks("whsec_")));
        assertEquals("standardWebhooks: a whpk_ key is 32 bytes (an Ed25519 public key), this one is 3",
                invalid(WebhookChannel.builder().name("gh").standardWebhooks("whpk_AAAA")));
        assertEquals("callbackUrl: replies cannot be signed with a whpk_ public key (expected: a whsec_ secret in "
                + "standardWebhooks, or no callbackUrl)", invalid(WebhookChannel.builder().name("gh")
                .standardWebhooks(WHPK).callbackUrl(URI.create("https://example.org/r"))));
        assertEquals("callbackUrl: expected an absolute http or https URI without a fragment",
                invalid(WebhookChannel.builder().name("gh").secret(SECRET).callbackUrl(URI.create("/relative"))));
        assertEquals("callbackUrl: expected an absolute http or https URI without a fragment",
                invalid(WebhookChannel.builder().name("gh").secret(SECRET).callbackUrl(URI.create("ftp://h/x"))));
        assertEquals("maxMessageLength: 0 (expected: > 0)",
                invalid(WebhookChannel.builder().name("gh").secret(SECRET).maxMessageLength(0)));
        assertEquals("timeout: PT0S (expected: > 0)",
                invalid(WebhookChannel.builder().name("gh").secret(SECRET).timeout(Duration.ZERO)));
    }

    @Test
    void settingErrorsNeverEchoTheSecret() {
        String secretBody = "c2VjcmV0LWtleS1ieXRlcw";
        String message = invalid(WebhookChannel.builder().name("gh").standardWebhooks("whsec_" + secretBody + "*"));
        assertFalse(message.contains(secretBody), message);
    }

    @Test
    void whpkKeyVerifiesWithoutACallbackUrl() {
        WebhookChannel channel = WebhookChannel.builder().name("gh").standardWebhooks(WHPK).build();
        assertDoesNotThrow(() -> channel.start(new RecordingContext(CLOCK)));
    }

    @Test
    void describesItselfAsConfigured() {
        AllowList allow = new AllowList(Set.of("c-1"), Set.of());
        WebhookChannel channel = WebhookChannel.builder().name("ci-bot").accountId("team_2").secret(SECRET)
                .maxMessageLength(1200).allowList(allow).build();

        assertEquals("ci-bot", channel.name());
        assertEquals("webhook", channel.kind());
        assertEquals("team_2", channel.accountId());
        assertEquals(allow, channel.allowList());
        assertEquals(new ChannelCapabilities(1200, true, false, ChannelCapabilities.Markdown.NONE, true),
                channel.capabilities());
        assertEquals("default", WebhookChannel.builder().name("x").secret(SECRET).build().accountId());
        assertEquals(4000, WebhookChannel.builder().name("x").secret(SECRET).build().capabilities().maxMessageLength());
    }

    // --- sending

    @Test
    void sendPostsTheReplySignedWithTheHubSecretAndItsIdempotencyKey() throws Exception {
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        DeliveryResult result = channel.send(outbound(Optional.of("t-3")));

        assertEquals(DeliveryResult.delivered(null), result);
        FakePlatform.Received r = platform.take(WAIT);
        assertEquals("POST", r.method());
        assertEquals(REPLIES, r.path());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("out-1:0", r.header("Idempotency-Key"));
        assertEquals(WebhookSignatures.hubSha256Header(utf8(SECRET), r.body()), r.header("X-Hub-Signature-256"));
        assertDoesNotThrow(() -> WebhookSignatures.hubSha256(utf8(SECRET),
                Optional.of(r.header("X-Hub-Signature-256")), r.body()));
        assertEquals(Json.createObjectBuilder().add("channel", "github").add("chat_id", "c-1").add("text", "the reply")
                .add("type", "message").add("message_id", "out-1").add("thread_id", "t-3").build(), json(r.body()));
        assertNull(r.header("webhook-signature"));
    }

    @Test
    void nonAsciiReplyIsSignedOverTheExactBytesSent() throws Exception {
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));
        OutboundMessage unicode = new OutboundMessage("out-2", "out-2:0", "c-1", Optional.empty(), "grüße 👋", Map.of(), 1);

        channel.send(unicode);

        FakePlatform.Received r = platform.take(WAIT);
        assertEquals("grüße 👋", json(r.body()).getString("text"));
        assertArrayEquals(utf8(WebhookSignatures.hubSha256Header(utf8(SECRET), r.body())),
                utf8(r.header("X-Hub-Signature-256")));
    }

    @Test
    void sendWithoutAThreadLeavesThreadIdOut() throws Exception {
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        channel.send(outbound(Optional.empty()));

        assertFalse(json(platform.take(WAIT).body()).containsKey("thread_id"));
    }

    @Test
    void sendSignsStandardWebhooksWithTheIdempotencyKeyAsWebhookIdAndTheClock() throws Exception {
        WebhookChannel channel = started(standard().callbackUrl(platform.uri().resolve(REPLIES)));

        assertInstanceOf(DeliveryResult.Delivered.class, channel.send(outbound(Optional.empty())));

        FakePlatform.Received r = platform.take(WAIT);
        assertEquals("out-1:0", r.header("webhook-id"));
        assertEquals("out-1:0", r.header("Idempotency-Key"));
        assertEquals(Long.toString(NOW), r.header("webhook-timestamp"));
        assertEquals(WebhookSignatures.standardWebhooksHeader(WHSEC, "out-1:0", NOW, r.body()),
                r.header("webhook-signature"));
        assertDoesNotThrow(() -> WebhookSignatures.standardWebhooks(WHSEC, Optional.of(r.header("webhook-id")),
                Optional.of(r.header("webhook-timestamp")), Optional.of(r.header("webhook-signature")), r.body(), CLOCK,
                WebhookSignatures.DEFAULT_WINDOW));
        assertNull(r.header("X-Hub-Signature-256"));
        assertEquals("c-1", json(r.body()).getString("chat_id"));
    }

    @Test
    void sendTakesTheReceiversMessageIdFromItsAnswer() throws Exception {
        platform.then(REPLIES, FakePlatform.Answer.json(200, "{\"ok\":true,\"message_id\":\"r-77\"}"),
                FakePlatform.Answer.json(201, "{\"id\":12}"));
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        assertEquals(DeliveryResult.delivered("r-77"), channel.send(outbound(Optional.empty())));
        assertEquals(DeliveryResult.delivered("12"), channel.send(outbound(Optional.empty())));
    }

    @Test
    void sendWithoutACallbackUrlFailsWithoutARequest() throws Exception {
        WebhookChannel channel = started(hmac());

        assertEquals(new DeliveryResult.Failed("webhook channel github: no callbackUrl configured"),
                channel.send(outbound(Optional.empty())));
        assertEquals(List.of(), platform.drain());
    }

    @Test
    void rateLimitIsRetriedAfterExactlyTheWaitAsked() throws Exception {
        platform.then(REPLIES, new FakePlatform.Answer(429, Map.of(), "", Duration.ZERO).withHeader("Retry-After", "30"),
                FakePlatform.Answer.json(429, "{\"retry_after\":2.5}"));
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        DeliveryResult header = channel.send(outbound(Optional.empty()));
        DeliveryResult body = channel.send(outbound(Optional.empty()));

        assertEquals(Optional.of(Duration.ofSeconds(30)), assertInstanceOf(DeliveryResult.Retry.class, header).after());
        assertEquals(Optional.of(Duration.ofMillis(2500)), assertInstanceOf(DeliveryResult.Retry.class, body).after());
    }

    @Test
    void serverErrorIsRetriedWithBackoff() throws Exception {
        platform.then(REPLIES, FakePlatform.Answer.json(500, "{\"error\":\"down\"}"));
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        DeliveryResult result = channel.send(outbound(Optional.empty()));

        assertEquals(new DeliveryResult.Retry(Optional.empty(), "HTTP 500: {\"error\":\"down\"}"), result);
    }

    @Test
    void clientErrorFails() throws Exception {
        platform.then(REPLIES, FakePlatform.Answer.json(400, "{\"error\":\"unknown chat\"}"));
        WebhookChannel channel = started(hmac().callbackUrl(platform.uri().resolve(REPLIES)));

        assertEquals(new DeliveryResult.Failed("HTTP 400: {\"error\":\"unknown chat\"}"),
                channel.send(outbound(Optional.empty())));
    }

    @Test
    void refusedConnectionIsRetried() throws Exception {
        URI callback = platform.uri().resolve(REPLIES);
        platform.close();
        WebhookChannel channel = started(hmac().callbackUrl(callback));

        DeliveryResult result = channel.send(outbound(Optional.empty()));

        assertEquals(Optional.empty(), assertInstanceOf(DeliveryResult.Retry.class, result).after());
    }

    // --- helpers

    /** A webhook request as the gateway hands it over. */
    private record Request(Headers headers, byte[] body) implements WebhookRequest {
        @Override
        public Optional<String> queryParam(String name) {
            return Optional.empty();
        }
    }

    private static WebhookChannel.Builder hmac() {
        return WebhookChannel.builder().name("github").secret(SECRET);
    }

    private static WebhookChannel.Builder standard() {
        return WebhookChannel.builder().name("github").standardWebhooks(WHSEC);
    }

    private static WebhookChannel started(WebhookChannel.Builder builder) {
        WebhookChannel channel = builder.build();
        channel.start(new RecordingContext(CLOCK));
        return channel;
    }

    private static String hub(byte[] body) {
        return WebhookSignatures.hubSha256Header(utf8(SECRET), body);
    }

    private static WebhookRequest request(byte[] body, String header, String value) {
        return new Request(Headers.builder().add(header, value).build(), body);
    }

    private static WebhookRequest standardRequest(byte[] body, String id, long timestamp, String key) {
        return new Request(Headers.builder().add("webhook-id", id).add("webhook-timestamp", Long.toString(timestamp))
                .add("webhook-signature", WebhookSignatures.standardWebhooksHeader(key, id, timestamp, body)).build(),
                body);
    }

    private static String eventId(WebhookChannel channel, Headers headers, byte[] body) throws Exception {
        return channel.webhook(new Request(headers, body)).messages().get(0).eventId();
    }

    private static String malformed(WebhookChannel channel, String body) {
        return malformed(channel, utf8(body));
    }

    private static String malformed(WebhookChannel channel, byte[] bytes) {
        return assertThrows(IllegalArgumentException.class,
                () -> channel.webhook(request(bytes, "X-Hub-Signature-256", hub(bytes)))).getMessage();
    }

    private static void expect(Reason reason, Executable call) {
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    private static String invalid(WebhookChannel.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    private static OutboundMessage outbound(Optional<String> thread) {
        return new OutboundMessage("out-1", "out-1:0", "c-1", thread, "the reply", Map.of(), 1);
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
