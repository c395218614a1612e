package dev.portico.channels.slack;

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
import dev.portico.channels.JsonBodies;
import dev.portico.channels.PlatformHttp;
import dev.portico.channels.Settings;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Slack app: it receives messages through the Events API (its request URL is the gateway's
 * {@code /api/webhook/slack}) and answers with {@code chat.postMessage}.
 *
 * <p>Every request must carry Slack's {@code X-Slack-Signature} over
 * {@code v0:<X-Slack-Request-Timestamp>:<body>}, made with the app's signing secret, with the
 * timestamp within five minutes of the gateway's clock; the body is read only once it holds. The
 * URL check ({@code url_verification}) is answered with its challenge. Of the events, plain
 * {@code message}s and {@code app_mention}s reach the agent; a message with a {@code subtype} (an
 * edit, a join, a bot's post) or from a bot, this one included, never does, so that the agent's own
 * replies do not come back to it. A message in a thread is answered in that thread.
 *
 * <pre>{@code
 * Channel slack = SlackChannel.builder().botToken(botToken).signingSecret(signingSecret).build();
 * }</pre>
 */
public final class SlackChannel implements Channel {
    /** The kind and name of the Slack channel. */
    public static final String KIND = "slack";
    /** Slack's Web API. */
    public static final URI DEFAULT_API_BASE = URI.create("https://slack.com/api");
    /** The longest text one message carries; Slack truncates a message's text well beyond it. */
    public static final int MAX_MESSAGE_LENGTH = 4000;

    /** Errors Slack answers when it failed, not the request: the same request may succeed later. */
    private static final Set<String> TRANSIENT_ERRORS =
            Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout");
    private static final String RATE_LIMITED = "ratelimited";
    private static final int MAX_ERROR_LENGTH = 100;
    private static final ChannelCapabilities CAPABILITIES =
            new ChannelCapabilities(MAX_MESSAGE_LENGTH, true, true, ChannelCapabilities.Markdown.SLACK, false);

    private final String botToken;
    private final byte[] signingSecret;
    private final URI postMessage;
    private final String accountId;
    private final AllowList allowList;
    private final Duration timeout;
    private volatile Running running;

    /** What a started channel holds. */
    private record Running(Clock clock, PlatformHttp http) {}

    private SlackChannel(Builder b) {
        this.botToken = b.botToken;
        this.signingSecret = b.signingSecret == null ? null : b.signingSecret.getBytes(StandardCharsets.UTF_8);
        String base = b.apiBase.toString();
        this.postMessage = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/chat.postMessage");
        this.accountId = b.accountId;
        this.allowList = b.allowList;
        this.timeout = b.timeout;
    }

    /**
     * A builder of the Slack channel.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return KIND;
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
        return CAPABILITIES;
    }

    @Override
    public AllowList allowList() {
        return allowList;
    }

    /**
     * Starts the channel.
     *
     * @param context what the gateway offers
     * @throws IllegalStateException when the signing secret (the channel never accepts unsigned
     *     requests) or the bot token is not configured
     */
    @Override
    public void start(ChannelContext context) {
        if (signingSecret == null) {
            throw new IllegalStateException(
                    "slack channel: no signingSecret configured; unsigned requests are never accepted");
        }
        if (botToken == null) {
            throw new IllegalStateException("slack channel: no botToken configured; replies could not be sent");
        }
        running = new Running(context.clock(), new PlatformHttp(timeout));
    }

    @Override
    public void stop() {
        running = null;
    }

    /**
     * Verifies a request's Slack signature, then answers it: the challenge of a URL check, or
     * {@code 200 {"ok":true}} at once with the message an event carried, if it carried one for the
     * agent.
     *
     * @param request the request
     * @return the answer and the messages
     * @throws WebhookVerificationException when the signature is absent, stale or does not match
     * @throws IllegalArgumentException when the verified body is not JSON, or an event lacks a
     *     field a message needs
     */
    @Override
    public WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        Running r = running();
        Headers headers = request.headers();
        byte[] body = request.body();
        WebhookSignatures.slack(signingSecret, headers.first("X-Slack-Request-Timestamp"),
                headers.first("X-Slack-Signature"), body, r.clock(), WebhookSignatures.DEFAULT_WINDOW);
        JsonObject payload = JsonBodies.object(body);
        return switch (string(payload, "type").orElse("")) {
            case "url_verification" -> {
                String challenge = string(payload, "challenge")
                        .orElseThrow(() -> new IllegalArgumentException("challenge: required"));
                yield WebhookResponse.json(JSON.createObjectBuilder().add("challenge", challenge).build().toString(),
                        List.of());
            }
            case "event_callback" -> WebhookResponse.ok(message(payload).map(List::of).orElse(List.of()));
            default -> WebhookResponse.ok(List.of());
        };
    }

    /**
     * Posts a message with {@code chat.postMessage}, in its thread if it has one.
     *
     * @param message the message
     * @return delivered with the message's {@code ts}; retried on a rate limit (after the wait
     *     Slack asks for) or a failure on Slack's side; failed when Slack refuses it
     * @throws InterruptedException when interrupted
     */
    @Override
    public DeliveryResult send(OutboundMessage message) throws InterruptedException {
        Running r = running();
        JsonObjectBuilder json = JSON.createObjectBuilder().add("channel", message.chatId()).add("text", message.text());
        message.threadId().ifPresent(t -> json.add("thread_ts", t));
        byte[] body = json.build().toString().getBytes(StandardCharsets.UTF_8);
        PlatformHttp.Answer answer;
        try {
            answer = r.http().post(postMessage, "application/json; charset=utf-8",
                    Map.of("Authorization", "Bearer " + botToken), body);
        } catch (IOException e) {
            return PlatformHttp.failure(e);
        }
        if (!answer.ok()) {
            return PlatformHttp.classify(answer, Optional.empty());
        }
        Optional<JsonObject> result = answer.json();
        if (result.isEmpty()) {
            return new DeliveryResult.Unknown("slack: HTTP " + answer.status() + " without a JSON answer");
        }
        if (result.get().get("ok") == JsonValue.TRUE) {
            return new DeliveryResult.Delivered(string(result.get(), "ts"));
        }
        String error = string(result.get(), "error").map(SlackChannel::shorten).orElse("no error named");
        String reason = "slack: " + error;
        if (RATE_LIMITED.equals(error)) {
            return new DeliveryResult.Retry(PlatformHttp.retryAfter(answer), reason);
        }
        if (TRANSIENT_ERRORS.contains(error)) {
            return DeliveryResult.retry(reason);
        }
        return new DeliveryResult.Failed(reason);
    }

    /** The message of an {@code event_callback}, unless its event is not one for the agent. */
    private static Optional<InboundMessage> message(JsonObject payload) {
        if (!(payload.get("event") instanceof JsonObject event)) {
            throw new IllegalArgumentException("event: required (an object)");
        }
        String type = string(event, "type").orElse("");
        if (!type.equals("message") && !type.equals("app_mention")) {
            return Optional.empty();
        }
        if (present(event.get("subtype")) || present(event.get("bot_id"))) {
            return Optional.empty();
        }
        String eventId = required(payload, "event_id", "event_id");
        String channel = required(event, "channel", "event.channel");
        String user = required(event, "user", "event.user");
        String text = string(event, "text").orElseThrow(() -> new IllegalArgumentException("event.text: required"));
        return Optional.of(new InboundMessage(eventId, channel, string(event, "thread_ts"), user, text, Map.of()));
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("slack channel: not started");
        }
        return r;
    }

    private static String required(JsonObject o, String field, String name) {
        return string(o, field).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(name + ": required"));
    }

    /** A string field; empty when absent or not a string. */
    private static Optional<String> string(JsonObject o, String field) {
        return o.get(field) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    private static boolean present(JsonValue value) {
        return value != null && value.getValueType() != JsonValue.ValueType.NULL;
    }

    private static String shorten(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH) + "…";
    }

    /** Builds a {@link SlackChannel}; {@link #build()} checks every setting. */
    public static final class Builder {
        private String botToken;
        private String signingSecret;
        private URI apiBase = DEFAULT_API_BASE;
        private String accountId = DEFAULT_ACCOUNT;
        private AllowList allowList = AllowList.ANYONE;
        private Duration timeout = PlatformHttp.DEFAULT_TIMEOUT;

        private Builder() {}

        /**
         * The bot token replies are posted with. Required to start.
         *
         * @param botToken the app's bot token, {@code xoxb-…}
         * @return this builder
         */
        public Builder botToken(String botToken) {
            this.botToken = Objects.requireNonNull(botToken, "botToken");
            return this;
        }

        /**
         * The app's signing secret, which every request must be signed with. Required to start.
         *
         * @param signingSecret the signing secret from the app's settings
         * @return this builder
         */
        public Builder signingSecret(String signingSecret) {
            this.signingSecret = Objects.requireNonNull(signingSecret, "signingSecret");
            return this;
        }

        /**
         * Where Slack's Web API is.
         *
         * @param apiBase an absolute {@code http} or {@code https} URI; {@code https://slack.com/api}
         *     by default
         * @return this builder
         */
        public Builder apiBase(URI apiBase) {
            this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
            return this;
        }

        /**
         * Which Slack workspace or app this is, when there are several.
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
         * Who may talk to the agent, by Slack channel ids ({@code C…}, {@code D…}) and user ids
         * ({@code U…}).
         *
         * @param allowList the allowed chats and users; {@link AllowList#ANYONE} by default
         * @return this builder
         */
        public Builder allowList(AllowList allowList) {
            this.allowList = Objects.requireNonNull(allowList, "allowList");
            return this;
        }

        /**
         * How long Slack has to answer a post.
         *
         * @param timeout &gt; 0; 30 seconds by default
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the settings and builds the channel. A channel without a bot token or a signing
         * secret is built, and refuses to {@linkplain SlackChannel#start start}.
         *
         * @return the channel
         * @throws IllegalArgumentException naming the setting that is invalid
         */
        public SlackChannel build() {
            if (botToken != null && (botToken.isBlank() || !botToken.chars().allMatch(c -> c > ' ' && c < 0x7f))) {
                throw new IllegalArgumentException("botToken: expected printable ASCII without spaces (xoxb-…)");
            }
            if (signingSecret != null && signingSecret.isBlank()) {
                throw new IllegalArgumentException("signingSecret: must not be blank");
            }
            Settings.checkHttpUri("apiBase", apiBase, false);
            Settings.checkAccount(accountId);
            Settings.checkTimeout(timeout);
            return new SlackChannel(this);
        }
    }
}
