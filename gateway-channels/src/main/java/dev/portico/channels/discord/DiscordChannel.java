package dev.portico.channels.discord;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.ChannelState;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.transport.Headers;
import dev.portico.auth.WebhookSignatures;
import dev.portico.channels.PlatformHttp;
import dev.portico.channels.Settings;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Discord application as a channel: people talk to the agent with a slash command (such as
 * {@code /ask prompt:<text>}), which Discord posts to the channel's webhook (the application's
 * Interactions Endpoint URL).
 *
 * <p>Every interaction is checked against the application's Ed25519 public key
 * ({@value #SIGNATURE_HEADER} over {@value #TIMESTAMP_HEADER} and the body, within five minutes)
 * before it is read. A {@code PING} is answered {@code {"type":1}}; a command is answered
 * {@code {"type":5}} (Discord shows the bot thinking) and its text goes to the agent, whose reply is
 * sent as the interaction's follow-up message. Messages that answer no interaction (an
 * announcement, {@code POST /api/message}) are posted to the channel with the bot token.
 *
 * <p>Sends honour Discord's rate-limit buckets before Discord has to refuse them: once an answer
 * says a route (a channel, an interaction) has no request left, a send to it before the bucket
 * resets is not made and is retried when it has.
 *
 * <pre>{@code
 * Channel discord = DiscordChannel.builder().botToken(token).applicationId("1234567890")
 *         .publicKey("d75a9801…511a").build();
 * }</pre>
 */
public final class DiscordChannel implements Channel {
    /** The kind of the channel, which is also its name. */
    public static final String KIND = "discord";
    /** Discord's API, version 10. */
    public static final URI DEFAULT_API_BASE = URI.create("https://discord.com/api/v10");
    /** The header of the interaction's signature, in hex. */
    public static final String SIGNATURE_HEADER = "X-Signature-Ed25519";
    /** The header of the signed timestamp, in seconds since the epoch. */
    public static final String TIMESTAMP_HEADER = "X-Signature-Timestamp";
    /** The reason of a send not made because its route's rate-limit bucket is exhausted. */
    public static final String BUCKET_EXHAUSTED = "discord rate limit bucket exhausted";

    private static final String USER_AGENT = "DiscordBot (https://portico.dev, 0.1)";
    private static final ChannelCapabilities CAPABILITIES =
            new ChannelCapabilities(2000, false, true, ChannelCapabilities.Markdown.DISCORD, false);
    private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String PONG = JSON.createObjectBuilder().add("type", 1).build().toString();
    private static final String DEFERRED = JSON.createObjectBuilder().add("type", 5).build().toString();

    private final String botToken;
    private final Optional<String> applicationId;
    private final Optional<PublicKey> publicKey;
    private final String apiBase;
    private final String accountId;
    private final AllowList allowList;
    private final PlatformHttp http;
    private final RouteLimits limits = new RouteLimits();
    private volatile ChannelContext context;

    private DiscordChannel(Builder b, Optional<PublicKey> publicKey) {
        this.botToken = b.botToken;
        this.applicationId = Optional.ofNullable(b.applicationId);
        this.publicKey = publicKey;
        String base = b.apiBase.toString();
        this.apiBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.accountId = b.accountId;
        this.allowList = b.allowList;
        this.http = new PlatformHttp(b.timeout);
    }

    /**
     * A builder of a Discord channel.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The channel's name.
     *
     * @return {@value #KIND}
     */
    @Override
    public String name() {
        return KIND;
    }

    /**
     * The channel's kind.
     *
     * @return {@value #KIND}
     */
    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String accountId() {
        return accountId;
    }

    /**
     * Discord's capabilities: 2000 characters, no threads, edits, Discord's markdown, sends that
     * are not idempotent.
     *
     * @return the capabilities
     */
    @Override
    public ChannelCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AllowList allowList() {
        return allowList;
    }

    /**
     * Starts the channel and reports it {@link ChannelState#RUNNING}.
     *
     * @param ctx what the gateway offers the channel
     * @throws IllegalStateException without a public key: no interaction could be verified
     */
    @Override
    public void start(ChannelContext ctx) {
        Objects.requireNonNull(ctx, "context");
        if (publicKey.isEmpty()) {
            throw new IllegalStateException("publicKey: required (the application's public key, from the Discord "
                    + "developer portal); without it no interaction can be verified");
        }
        context = ctx;
        ctx.status(ChannelState.RUNNING, "webhook");
    }

    /** Stops taking interactions; nothing runs in the background. */
    @Override
    public void stop() {
        context = null;
    }

    /**
     * Answers an interaction: verifies its signature first, then answers a {@code PING}
     * {@code {"type":1}} and an application command {@code {"type":5}} with the message it carries.
     *
     * @param request the request
     * @return the answer and, for a command, its message
     * @throws WebhookVerificationException when the signature or its timestamp is absent, does not
     *     verify, or is more than five minutes from now
     * @throws IllegalArgumentException when the interaction is malformed or of another type
     * @throws IllegalStateException when the channel is not running
     */
    @Override
    public WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        ChannelContext ctx = running();
        Headers headers = request.headers();
        Optional<String> timestamp = headers.first(TIMESTAMP_HEADER);
        Optional<String> signature = headers.first(SIGNATURE_HEADER);
        byte[] body = request.body();
        WebhookSignatures.ed25519(publicKey.orElseThrow(), timestamp, signature, body, ctx.clock(),
                WebhookSignatures.DEFAULT_WINDOW);
        JsonObject interaction = DiscordInteractions.parse(body);
        int type = DiscordInteractions.type(interaction);
        return switch (type) {
            case DiscordInteractions.PING -> WebhookResponse.json(PONG, List.of());
            case DiscordInteractions.APPLICATION_COMMAND ->
                WebhookResponse.json(DEFERRED, List.of(DiscordInteractions.command(interaction)));
            default -> throw new IllegalArgumentException("type: unsupported interaction type " + type);
        };
    }

    /**
     * Sends a message: as the follow-up of the interaction it answers (when its reply context
     * holds the interaction's token), else to its channel with the bot token.
     *
     * @param message the message
     * @return delivered with Discord's message id; retried after exactly the {@code retry_after}
     *     of a {@code 429}, or after the wait its route's exhausted bucket still needs (without a
     *     request); failed for another {@code 4xx}; retried after a {@code 5xx}
     * @throws InterruptedException when the gateway is stopping
     * @throws IllegalStateException when the channel is not running
     */
    @Override
    public DeliveryResult send(OutboundMessage message) throws InterruptedException {
        ChannelContext ctx = running();
        String interactionToken = message.replyContext().get(DiscordInteractions.INTERACTION_TOKEN);
        String route;
        Map<String, String> headers;
        if (interactionToken != null) {
            Optional<String> app = Optional.ofNullable(message.replyContext().get(DiscordInteractions.APPLICATION_ID))
                    .or(() -> applicationId);
            if (app.isEmpty() || !SNOWFLAKE.matcher(app.get()).matches()) {
                return new DeliveryResult.Failed("application_id: expected the application's id (digits) in the "
                        + "reply context or the channel's applicationId");
            }
            if (!TOKEN_CHARS.matcher(interactionToken).matches()) {
                return new DeliveryResult.Failed("interaction_token: not a Discord interaction token");
            }
            route = "webhooks/" + app.get() + "/" + interactionToken;
            headers = Map.of("User-Agent", USER_AGENT);
        } else {
            if (!SNOWFLAKE.matcher(message.chatId()).matches()) {
                return new DeliveryResult.Failed("chatId: " + message.chatId()
                        + " (expected: a Discord channel id, digits)");
            }
            route = "channels/" + message.chatId() + "/messages";
            headers = Map.of("Authorization", "Bot " + botToken, "User-Agent", USER_AGENT);
        }
        Optional<Duration> wait = limits.wait(route, ctx.clock().instant());
        if (wait.isPresent()) {
            return DeliveryResult.retryAfter(wait.get(), BUCKET_EXHAUSTED);
        }
        // No pings from the agent's words: an "@everyone" in a reply stays text.
        byte[] body = JSON.createObjectBuilder().add("content", message.text())
                .add("allowed_mentions", JSON.createObjectBuilder().add("parse", JSON.createArrayBuilder()))
                .build().toString().getBytes(StandardCharsets.UTF_8);
        PlatformHttp.Answer answer;
        try {
            answer = http.post(URI.create(apiBase + "/" + route), "application/json", headers, body);
        } catch (IOException e) {
            return scrubbed(PlatformHttp.failure(e), interactionToken);
        }
        limits.record(route, answer.headers(), ctx.clock().instant());
        Optional<String> id = answer.ok()
                ? answer.json().flatMap(o -> DiscordInteractions.string(o, "id")) : Optional.empty();
        return scrubbed(PlatformHttp.classify(answer, id), interactionToken);
    }

    private ChannelContext running() {
        ChannelContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("channel " + KIND + ": not started");
        }
        return ctx;
    }

    /** The result with the bot token and the interaction's token masked in its reason. */
    private DeliveryResult scrubbed(DeliveryResult result, String interactionToken) {
        return switch (result) {
            case DeliveryResult.Retry r -> new DeliveryResult.Retry(r.after(), scrub(r.reason(), interactionToken));
            case DeliveryResult.Failed f -> new DeliveryResult.Failed(scrub(f.reason(), interactionToken));
            case DeliveryResult.Unknown u -> new DeliveryResult.Unknown(scrub(u.reason(), interactionToken));
            case DeliveryResult.Delivered d -> d;
        };
    }

    private String scrub(String text, String interactionToken) {
        String out = text.replace(botToken, "<bot token>");
        return interactionToken == null ? out : out.replace(interactionToken, "<interaction token>");
    }

    /** Builds a {@link DiscordChannel}; {@link #botToken} is required, and {@link #publicKey} to start. */
    public static final class Builder {
        private String botToken;
        private String applicationId;
        private String publicKey;
        private URI apiBase = DEFAULT_API_BASE;
        private Duration timeout = PlatformHttp.DEFAULT_TIMEOUT;
        private String accountId = DEFAULT_ACCOUNT;
        private AllowList allowList = AllowList.ANYONE;

        private Builder() {}

        /**
         * The bot's token, for messages posted to a channel. Required.
         *
         * @param botToken the token from the developer portal
         * @return this builder
         */
        public Builder botToken(String botToken) {
            this.botToken = Objects.requireNonNull(botToken, "botToken");
            return this;
        }

        /**
         * The application's id, for follow-ups whose reply context does not name it.
         *
         * @param applicationId digits
         * @return this builder
         */
        public Builder applicationId(String applicationId) {
            this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
            return this;
        }

        /**
         * The application's public key, which signs its interactions. Required to start.
         *
         * @param publicKey 64 hex digits, as the developer portal shows it
         * @return this builder
         */
        public Builder publicKey(String publicKey) {
            this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
            return this;
        }

        /**
         * Discord's API.
         *
         * @param apiBase an absolute http or https URI; {@link #DEFAULT_API_BASE} by default
         * @return this builder
         */
        public Builder apiBase(URI apiBase) {
            this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
            return this;
        }

        /**
         * The account, when the gateway runs several Discord applications.
         *
         * @param accountId 1–64 characters of {@code [A-Za-z0-9_-]}; {@value Channel#DEFAULT_ACCOUNT} by default
         * @return this builder
         */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /**
         * Who may talk to the agent, by channel id and user id.
         *
         * @param allowList the allow-list; {@link AllowList#ANYONE} by default
         * @return this builder
         */
        public Builder allowList(AllowList allowList) {
            this.allowList = Objects.requireNonNull(allowList, "allowList");
            return this;
        }

        /**
         * How long a request to Discord may take.
         *
         * @param timeout positive; {@link PlatformHttp#DEFAULT_TIMEOUT} by default
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Validates and builds the channel.
         *
         * @return the channel
         * @throws IllegalArgumentException naming the setting that is missing or invalid
         */
        public DiscordChannel build() {
            if (botToken == null || botToken.isBlank()) {
                throw new IllegalArgumentException("botToken: required (the bot's token, from the Discord developer "
                        + "portal)");
            }
            if (!TOKEN_CHARS.matcher(botToken).matches()) {
                throw new IllegalArgumentException("botToken: expected a Discord bot token (letters, digits, '.', "
                        + "'_' and '-')");
            }
            if (applicationId != null && !SNOWFLAKE.matcher(applicationId).matches()) {
                throw new IllegalArgumentException("applicationId: " + applicationId + " (expected: digits)");
            }
            Optional<PublicKey> key = Optional.empty();
            if (publicKey != null) {
                try {
                    key = Optional.of(WebhookSignatures.ed25519PublicKey(publicKey));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("publicKey: expected the application's Ed25519 public key, "
                            + "64 hex digits (" + e.getMessage() + ")");
                }
            }
            Settings.checkHttpUri("apiBase", apiBase, false);
            Settings.checkTimeout(timeout);
            Settings.checkAccount(accountId);
            return new DiscordChannel(this, key);
        }
    }
}
