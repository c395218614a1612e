package dev.portico.channels.webhook;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.transport.Headers;
import dev.portico.auth.WebhookSignatures;
import dev.portico.channels.PlatformHttp;
import dev.portico.channels.Settings;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A generic webhook: any system that can sign a JSON POST talks to the agent through it, and gets
 * the replies POSTed back to its callback URL, signed the same way.
 *
 * <p>Requests are signed in one of two ways, and unsigned ones are never accepted: with a shared
 * {@linkplain Builder#secret secret}, an HMAC-SHA256 of the body in {@code X-Hub-Signature-256:
 * sha256=<hex>} (as GitHub signs) or {@code X-Signature: <hex>}; or with a
 * {@linkplain Builder#standardWebhooks Standard Webhooks} key, in {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature}, within five minutes of the gateway's
 * clock. The body is read only once its signature holds. It carries one message,
 * {@code {"chat_id","text","user_id"?,"thread_id"?,"id"?}} (the text may also be called
 * {@code message} or {@code content}), bare or as {@code {"event":"message","data":{…}}}.
 *
 * <p>A reply is POSTed to the callback URL as
 * {@code {"channel","chat_id","text","type":"message","message_id","thread_id"?}} with an
 * {@code Idempotency-Key} that stays the same across retries, so a receiver can drop a repeat.
 *
 * <pre>{@code
 * Channel github = WebhookChannel.builder().name("github").secret(secret)
 *         .callbackUrl(URI.create("https://example.org/portico-replies")).build();
 * }</pre>
 */
public final class WebhookChannel implements Channel {
    /** The kind of every generic webhook channel. */
    public static final String KIND = "webhook";
    /** The longest reply one message carries by default; longer ones are split. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 4000;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final String STANDARD_SECRET_PREFIX = "whsec_";
    private static final String STANDARD_PUBLIC_PREFIX = "whpk_";
    private static final int ED25519_KEY_BYTES = 32;

    private final String name;
    private final String accountId;
    private final byte[] secret;
    private final String standardKey;
    private final URI callbackUrl;
    private final ChannelCapabilities capabilities;
    private final AllowList allowList;
    private final Duration timeout;
    private volatile Running running;

    /** What a started channel holds. */
    private record Running(Clock clock, PlatformHttp http) {}

    private WebhookChannel(Builder b) {
        this.name = b.name;
        this.accountId = b.accountId;
        this.secret = b.secret == null ? null : b.secret.getBytes(StandardCharsets.UTF_8);
        this.standardKey = b.standardKey;
        this.callbackUrl = b.callbackUrl;
        this.capabilities = new ChannelCapabilities(b.maxMessageLength, true, false, ChannelCapabilities.Markdown.NONE,
                true);
        this.allowList = b.allowList;
        this.timeout = b.timeout;
    }

    /**
     * A builder of a webhook channel.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String accountId() {
        return accountId;
    }

    @Override
    public ChannelCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public AllowList allowList() {
        return allowList;
    }

    /**
     * Starts the channel.
     *
     * @param context what the gateway offers
     * @throws IllegalStateException when neither a secret nor a Standard Webhooks key is configured:
     *     the channel never accepts unsigned requests
     */
    @Override
    public void start(ChannelContext context) {
        if (secret == null && standardKey == null) {
            throw new IllegalStateException("webhook channel " + name + ": no secret configured (expected: secret or "
                    + "standardWebhooks); unsigned requests are never accepted");
        }
        running = new Running(context.clock(), new PlatformHttp(timeout));
    }

    @Override
    public void stop() {
        running = null;
    }

    /**
     * Verifies a request's signature, then reads the message it carries.
     *
     * @param request the request
     * @return {@code 200 {"ok":true}} with the message; without one for an event other than
     *     {@code message}
     * @throws WebhookVerificationException when the signature is absent, stale or does not match
     * @throws IllegalArgumentException when the verified body is not a message (no {@code chat_id},
     *     no text, not JSON)
     */
    @Override
    public WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        Running r = running();
        Headers headers = request.headers();
        byte[] body = request.body();
        verify(headers, body, r.clock());
        Optional<WebhookPayload.Fields> read = WebhookPayload.read(body);
        if (read.isEmpty()) {
            return WebhookResponse.ok(List.of());
        }
        WebhookPayload.Fields f = read.get();
        String eventId = nonBlank(headers.first("webhook-id"))
                .or(f::id)
                .or(() -> nonBlank(headers.first("X-GitHub-Delivery")))
                .orElseGet(() -> "sha256:" + HexFormat.of().formatHex(sha256(body)));
        return WebhookResponse.ok(List.of(new InboundMessage(eventId, f.chatId(), f.threadId(), f.userId(), f.text(),
                Map.of())));
    }

    /**
     * POSTs a message to the callback URL, signed as inbound requests are.
     *
     * @param message the message
     * @return delivered on a {@code 2xx} (with the receiver's {@code message_id} or {@code id}, if
     *     it answers one); failed without a callback URL; otherwise as the answer's status says
     * @throws InterruptedException when interrupted
     */
    @Override
    public DeliveryResult send(OutboundMessage message) throws InterruptedException {
        if (callbackUrl == null) {
            return new DeliveryResult.Failed("webhook channel " + name + ": no callbackUrl configured");
        }
        Running r = running();
        JsonObjectBuilder json = JSON.createObjectBuilder().add("channel", name).add("chat_id", message.chatId())
                .add("text", message.text()).add("type", "message").add("message_id", message.messageId());
        message.threadId().ifPresent(t -> json.add("thread_id", t));
        byte[] body = json.build().toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Idempotency-Key", message.idempotencyKey());
        if (secret != null) {
            headers.put("X-Hub-Signature-256", WebhookSignatures.hubSha256Header(secret, body));
        } else {
            long now = r.clock().instant().getEpochSecond();
            headers.put("webhook-id", message.idempotencyKey());
            headers.put("webhook-timestamp", Long.toString(now));
            headers.put("webhook-signature",
                    WebhookSignatures.standardWebhooksHeader(standardKey, message.idempotencyKey(), now, body));
        }
        PlatformHttp.Answer answer;
        try {
            answer = r.http().post(callbackUrl, "application/json", headers, body);
        } catch (IOException e) {
            return PlatformHttp.failure(e);
        }
        return PlatformHttp.classify(answer, answer.ok() ? receiverId(answer) : Optional.empty());
    }

    private void verify(Headers headers, byte[] body, Clock clock) throws WebhookVerificationException {
        if (secret != null) {
            Optional<String> signature = nonBlank(headers.first("X-Hub-Signature-256"))
                    .or(() -> headers.first("X-Signature"));
            WebhookSignatures.hubSha256(secret, signature, body);
        } else {
            WebhookSignatures.standardWebhooks(standardKey, headers.first("webhook-id"),
                    headers.first("webhook-timestamp"), headers.first("webhook-signature"), body, clock,
                    WebhookSignatures.DEFAULT_WINDOW);
        }
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("webhook channel " + name + ": not started");
        }
        return r;
    }

    /** The receiver's id of the message it took, when its answer is a JSON object naming one. */
    private static Optional<String> receiverId(PlatformHttp.Answer answer) {
        Optional<JsonObject> json = answer.json();
        if (json.isEmpty()) {
            return Optional.empty();
        }
        for (String field : List.of("message_id", "id")) {
            Object value = json.get().get(field);
            if (value instanceof JsonString s && !s.getString().isBlank()) {
                return Optional.of(s.getString());
            }
            if (value instanceof JsonNumber n) {
                return Optional.of(n.toString());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Builds a {@link WebhookChannel}; {@link #build()} checks every setting. */
    public static final class Builder {
        private String name;
        private String accountId = DEFAULT_ACCOUNT;
        private String secret;
        private String standardKey;
        private URI callbackUrl;
        private int maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
        private AllowList allowList = AllowList.ANYONE;
        private Duration timeout = PlatformHttp.DEFAULT_TIMEOUT;

        private Builder() {}

        /**
         * The channel's name: its webhook route ({@code /api/webhook/<name>}) and the first part of
         * its session keys. Required.
         *
         * @param name 1–32 characters of {@code [a-z0-9_-]}, starting with a letter
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Which account of the channel this is.
         *
         * @param accountId 1–64 characters of {@code [A-Za-z0-9_-]}; {@value Channel#DEFAULT_ACCOUNT}
         *     by default
         * @return this builder
         */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /**
         * The HMAC-SHA256 secret shared with the sender: requests carry
         * {@code X-Hub-Signature-256: sha256=<hex>} (or {@code X-Signature: <hex>}) of their body,
         * and replies are signed the same way. Set this or {@link #standardWebhooks}.
         *
         * @param secret the secret, not empty
         * @return this builder
         */
        public Builder secret(String secret) {
            this.secret = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /**
         * The Standard Webhooks key: requests carry {@code webhook-id}, {@code webhook-timestamp}
         * (within five minutes) and {@code webhook-signature}. With a {@code whsec_} secret
         * replies are signed too; a {@code whpk_} public key only verifies, so it takes no
         * callback URL. Set this or {@link #secret}.
         *
         * @param key {@code whsec_<base64>} or {@code whpk_<base64 of a 32-byte Ed25519 key>}
         * @return this builder
         */
        public Builder standardWebhooks(String key) {
            this.standardKey = Objects.requireNonNull(key, "standardWebhooks");
            return this;
        }

        /**
         * Where replies are POSTed; without one the channel only receives.
         *
         * @param callbackUrl an absolute {@code http} or {@code https} URL
         * @return this builder
         */
        public Builder callbackUrl(URI callbackUrl) {
            this.callbackUrl = Objects.requireNonNull(callbackUrl, "callbackUrl");
            return this;
        }

        /**
         * The longest text one reply carries; longer replies are split.
         *
         * @param maxMessageLength &gt; 0; {@value WebhookChannel#DEFAULT_MAX_MESSAGE_LENGTH} by
         *     default
         * @return this builder
         */
        public Builder maxMessageLength(int maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * Who may talk to the agent through the channel.
         *
         * @param allowList the allowed chats and users; {@link AllowList#ANYONE} by default
         * @return this builder
         */
        public Builder allowList(AllowList allowList) {
            this.allowList = Objects.requireNonNull(allowList, "allowList");
            return this;
        }

        /**
         * How long the callback URL has to answer a reply.
         *
         * @param timeout &gt; 0; 30 seconds by default
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the settings and builds the channel. A channel with neither a secret nor a
         * Standard Webhooks key is built, and refuses to {@linkplain WebhookChannel#start start}.
         *
         * @return the channel
         * @throws IllegalArgumentException naming the setting that is missing or invalid
         */
        public WebhookChannel build() {
            if (name == null) {
                throw new IllegalArgumentException("name: required");
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name: " + name
                        + " (expected: 1-32 characters of [a-z0-9_-], starting with a letter)");
            }
            Settings.checkAccount(accountId);
            if (secret != null && standardKey != null) {
                throw new IllegalArgumentException("webhook channel " + name
                        + ": secret and standardWebhooks are both set (expected: one of them)");
            }
            if (secret != null && secret.isEmpty()) {
                throw new IllegalArgumentException("secret: must not be empty");
            }
            if (standardKey != null) {
                checkStandardKey(standardKey);
            }
            if (callbackUrl != null) {
                Settings.checkHttpUri("callbackUrl", callbackUrl, true);
                if (standardKey != null && standardKey.startsWith(STANDARD_PUBLIC_PREFIX)) {
                    throw new IllegalArgumentException("callbackUrl: replies cannot be signed with a whpk_ public "
                            + "key (expected: a whsec_ secret in standardWebhooks, or no callbackUrl)");
                }
            }
            if (maxMessageLength <= 0) {
                throw new IllegalArgumentException("maxMessageLength: " + maxMessageLength + " (expected: > 0)");
            }
            Settings.checkTimeout(timeout);
            return new WebhookChannel(this);
        }

        private static void checkStandardKey(String key) {
            boolean secretKey = key.startsWith(STANDARD_SECRET_PREFIX);
            if (!secretKey && !key.startsWith(STANDARD_PUBLIC_PREFIX)) {
                throw new IllegalArgumentException("standardWebhooks: expected whsec_<base64> or whpk_<base64>");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(key.substring(secretKey
                        ? STANDARD_SECRET_PREFIX.length() : STANDARD_PUBLIC_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("standardWebhooks: the key after its prefix is not valid base64");
            }
            if (secretKey && raw.length == 0) {
                throw new IllegalArgumentException("standardWebhooks: the whsec_ secret is empty");
            }
            if (!secretKey && raw.length != ED25519_KEY_BYTES) {
                throw new IllegalArgumentException("standardWebhooks: a whpk_ key is 32 bytes (an Ed25519 public key), "
                        + "this one is " + raw.length);
            }
            if (!secretKey) {
                try {
                    WebhookSignatures.ed25519PublicKey(HexFormat.of().formatHex(raw));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("standardWebhooks: the whpk_ key is not an Ed25519 public key");
                }
            }
        }
    }
}
