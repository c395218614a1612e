package dev.portico.channels.telegram;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.ChannelState;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.InboundMessage;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.auth.WebhookSignatures;
import dev.portico.channels.PlatformHttp;
import dev.portico.channels.Settings;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A Telegram bot as a channel, on the Bot API.
 *
 * <p>It receives updates in one of two {@linkplain Mode modes}. Polling: one virtual thread long-polls
 * {@code getUpdates}, hands each text message over to the gateway and then keeps the offset after
 * the batch ({@code offset} in the channel's state), so that after a restart no update is fetched
 * again; failures are reported {@link ChannelState#DEGRADED} and retried after 1 s, 2 s, 4 s … at
 * most 30 s. Webhook: Telegram posts each update to the gateway with the {@code secret_token} given
 * to {@code setWebhook} in {@value #SECRET_TOKEN_HEADER}, which is checked, in constant time, before
 * the body is read.
 *
 * <p>Replies are sent with {@code sendMessage} as plain text (no {@code parse_mode}, so no reply can
 * be refused for its markup), to the message's thread when it has one. The bot token is part of
 * every Bot API URL: it never appears in a delivery result, a status detail or an exception message.
 *
 * <pre>{@code
 * Channel telegram = TelegramChannel.builder().botToken(token).build();                 // polls
 * Channel hooked = TelegramChannel.builder().botToken(token)
 *         .mode(TelegramChannel.Mode.WEBHOOK).webhookSecret(secret).build();            // webhook
 * }</pre>
 */
public final class TelegramChannel implements Channel {
    /** The kind of the channel, which is also its name. */
    public static final String KIND = "telegram";
    /** The Bot API's address. */
    public static final URI DEFAULT_API_BASE = URI.create("https://api.telegram.org");
    /** How long one {@code getUpdates} waits for an update by default. */
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(30);
    /** The header in which Telegram sends the webhook's secret token. */
    public static final String SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    /** The state key of the polling offset: the {@code update_id} to ask from. */
    static final String OFFSET_KEY = "offset";
    /** The longest wait between two failed polls. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final ChannelCapabilities CAPABILITIES =
            new ChannelCapabilities(4096, true, true, ChannelCapabilities.Markdown.NONE, false);
    private static final Pattern TOKEN = Pattern.compile("[0-9]+:[A-Za-z0-9_-]+");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final String TOKEN_MASK = "<bot token>";

    /** How the channel receives updates. */
    public enum Mode {
        /** It long-polls {@code getUpdates}. */
        POLLING,
        /** Telegram posts updates to the channel's webhook. */
        WEBHOOK
    }

    private final String botToken;
    private final String methodBase;
    private final Mode mode;
    private final Optional<String> webhookSecret;
    private final Duration pollTimeout;
    private final Duration timeout;
    private final Duration backoffBase;
    private final String accountId;
    private final AllowList allowList;
    private final PlatformHttp http;

    /**
     * Held while the poller calls the gateway (hands messages over, keeps the offset, reports its
     * state) and while stop() interrupts it, so that the interrupt lands only while the poller
     * waits on Telegram or backs off, never in the middle of the gateway's work.
     */
    private final ReentrantLock gatewayCall = new ReentrantLock();
    private volatile boolean running;
    private volatile Thread poller;

    private TelegramChannel(Builder b) {
        this.botToken = b.botToken;
        this.methodBase = stripTrailingSlash(b.apiBase.toString()) + "/bot" + b.botToken + "/";
        this.mode = b.mode;
        this.webhookSecret = Optional.ofNullable(b.webhookSecret);
        this.pollTimeout = b.pollTimeout;
        this.timeout = b.timeout;
        this.backoffBase = b.backoffBase;
        this.accountId = b.accountId;
        this.allowList = b.allowList;
        this.http = new PlatformHttp(b.timeout);
    }

    /**
     * A builder of a Telegram channel.
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
     * Telegram's capabilities: 4096 characters, topics as threads, edits, plain text (replies are
     * sent without markup), sends that are not idempotent.
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
     * The mode the channel receives updates in.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Starts the channel: in polling mode, starts polling; reports {@link ChannelState#RUNNING}
     * ({@code polling} or {@code webhook}).
     *
     * @param ctx what the gateway offers the channel
     * @throws IllegalStateException in webhook mode without a webhook secret (the channel would
     *     otherwise accept updates from anyone), or when the channel is running already
     */
    @Override
    public void start(ChannelContext ctx) {
        Objects.requireNonNull(ctx, "context");
        if (mode == Mode.WEBHOOK && webhookSecret.isEmpty()) {
            throw new IllegalStateException("webhookSecret: required in webhook mode (the secret_token given to "
                    + "setWebhook); without it the channel cannot tell Telegram's requests from anyone else's");
        }
        gatewayCall.lock();
        try {
            if (running) {
                throw new IllegalStateException("channel " + KIND + ": already started");
            }
            running = true;
            ctx.status(ChannelState.RUNNING, mode == Mode.POLLING ? "polling" : "webhook");
            if (mode == Mode.POLLING) {
                poller = Thread.ofVirtual().name("telegram-poller-" + accountId).start(new Poller(ctx));
            }
        } finally {
            gatewayCall.unlock();
        }
    }

    /** Stops polling: the poller's request or wait is interrupted and the call returns once it has ended. */
    @Override
    public void stop() {
        Thread t;
        gatewayCall.lock();
        try {
            running = false;
            t = poller;
            if (t != null) {
                t.interrupt();
            }
        } finally {
            gatewayCall.unlock();
        }
        if (t != null) {
            try {
                t.join(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether the poller thread is alive.
     *
     * @return true while polling
     */
    boolean polling() {
        Thread t = poller;
        return t != null && t.isAlive();
    }

    /**
     * Sends a message with {@code sendMessage}, as plain text, to its thread when it has one.
     *
     * @param message the message
     * @return delivered with Telegram's {@code message_id}; retried after exactly the
     *     {@code retry_after} of a {@code 429}; failed, with Telegram's {@code description}, for a
     *     refusal ({@code 400} chat not found, {@code 403} bot blocked)
     * @throws InterruptedException when the gateway is stopping
     */
    @Override
    public DeliveryResult send(OutboundMessage message) throws InterruptedException {
        JsonObjectBuilder body = JSON.createObjectBuilder();
        OptionalLong numericChat = parseLong(message.chatId());
        if (numericChat.isPresent()) {
            body.add("chat_id", numericChat.getAsLong());
        } else {
            body.add("chat_id", message.chatId());
        }
        body.add("text", message.text());
        if (message.threadId().isPresent()) {
            OptionalLong thread = parseLong(message.threadId().get());
            if (thread.isEmpty()) {
                return new DeliveryResult.Failed("threadId: expected a Telegram message_thread_id (an integer), got "
                        + message.threadId().get());
            }
            body.add("message_thread_id", thread.getAsLong());
        }
        PlatformHttp.Answer answer;
        try {
            answer = http.post(URI.create(methodBase + "sendMessage"), "application/json", Map.of(),
                    body.build().toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return scrubbed(PlatformHttp.failure(e));
        }
        return deliveryResult(answer);
    }

    /**
     * Answers an update Telegram posted: checks the secret token before the body is read, then
     * takes the text message the update carries, if any.
     *
     * @param request the request
     * @return {@code 200 {"ok":true}} with the message, or with none for an update without text
     * @throws WebhookVerificationException when {@value #SECRET_TOKEN_HEADER} is absent or differs
     * @throws IllegalArgumentException when the body is not an update
     * @throws UnsupportedOperationException in polling mode, which takes no webhooks
     * @throws IllegalStateException when the channel is not running
     */
    @Override
    public WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        if (mode != Mode.WEBHOOK) {
            throw new UnsupportedOperationException("channel " + KIND + " polls for updates (mode: polling); "
                    + "it takes no webhooks");
        }
        if (!running) {
            throw new IllegalStateException("channel " + KIND + ": not started");
        }
        WebhookSignatures.secretToken(webhookSecret.orElseThrow(), request.headers().first(SECRET_TOKEN_HEADER),
                SECRET_TOKEN_HEADER);
        JsonObject update = TelegramUpdates.parse(request.body());
        return WebhookResponse.ok(TelegramUpdates.message(update).map(List::of).orElse(List.of()));
    }

    private DeliveryResult deliveryResult(PlatformHttp.Answer answer) {
        Optional<JsonObject> json = answer.json();
        Optional<String> description = json.flatMap(o -> TelegramUpdates.string(o, "description"));
        String reason = scrub("sendMessage: HTTP " + answer.status() + description.map(d -> ": " + d).orElse(""));
        if (answer.ok()) {
            if (json.isEmpty()) {
                return new DeliveryResult.Unknown(scrub("sendMessage: HTTP " + answer.status()
                        + " without a Bot API answer"));
            }
            if (!json.get().getBoolean("ok", false)) {
                return new DeliveryResult.Failed(reason);
            }
            OptionalLong messageId = json.get().get("result") instanceof JsonObject result
                    ? TelegramUpdates.integer(result, "message_id") : OptionalLong.empty();
            return DeliveryResult.delivered(messageId.isPresent() ? String.valueOf(messageId.getAsLong()) : null);
        }
        return switch (PlatformHttp.classify(answer, Optional.empty())) {
            case DeliveryResult.Retry r -> new DeliveryResult.Retry(r.after(), reason);
            case DeliveryResult.Failed f -> new DeliveryResult.Failed(reason);
            case DeliveryResult.Unknown u -> new DeliveryResult.Unknown(reason);
            case DeliveryResult.Delivered d -> d;
        };
    }

    private DeliveryResult scrubbed(DeliveryResult result) {
        return switch (result) {
            case DeliveryResult.Retry r -> new DeliveryResult.Retry(r.after(), scrub(r.reason()));
            case DeliveryResult.Failed f -> new DeliveryResult.Failed(scrub(f.reason()));
            case DeliveryResult.Unknown u -> new DeliveryResult.Unknown(scrub(u.reason()));
            case DeliveryResult.Delivered d -> d;
        };
    }

    /** The text with the bot token, as it is and as it appears URL-encoded, masked. */
    private String scrub(String text) {
        return text.replace(botToken, TOKEN_MASK).replace(botToken.replace(":", "%3A"), TOKEN_MASK)
                .replace(botToken.replace(":", "%3a"), TOKEN_MASK);
    }

    /**
     * The wait after the n-th failure in a row: the base, doubled for each failure before it, at
     * most {@link #MAX_BACKOFF}.
     *
     * @param base the first wait
     * @param failures the failures in a row, from 1
     * @return the wait
     */
    static Duration backoff(Duration base, int failures) {
        Duration wait = base;
        for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private static OptionalLong parseLong(String s) {
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A failed {@code getUpdates}: what to report, and the wait Telegram asked for, if it did. */
    private static final class PollFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Duration> retryAfter;

        PollFailure(String detail, Optional<Duration> retryAfter) {
            super(detail, null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    /** The polling loop, on its own virtual thread. */
    private final class Poller implements Runnable {
        private final ChannelContext ctx;
        private OptionalLong offset;
        private int failures;
        private String reported = "";

        Poller(ChannelContext ctx) {
            this.ctx = ctx;
            this.offset = ctx.loadState(OFFSET_KEY).map(String::trim).map(TelegramChannel::parseLong)
                    .orElse(OptionalLong.empty());
        }

        @Override
        public void run() {
            while (running) {
                String detail;
                Optional<Duration> retryAfter = Optional.empty();
                try {
                    JsonArray updates = updates(http.get(updatesUri(), pollTimeout.plus(timeout)));
                    if (failures > 0) {
                        failures = 0;
                        reported = "";
                        if (!report(ChannelState.RUNNING, "")) {
                            return;
                        }
                    }
                    if (!handOver(updates)) {
                        return;
                    }
                    continue;
                } catch (InterruptedException e) {
                    return;
                } catch (PollFailure e) {
                    detail = e.getMessage();
                    retryAfter = e.retryAfter;
                } catch (IOException e) {
                    detail = "getUpdates: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage());
                } catch (RuntimeException e) {
                    detail = "polling: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                failures++;
                detail = scrub(detail);
                if (!detail.equals(reported)) {
                    reported = detail;
                    if (!report(ChannelState.DEGRADED, detail)) {
                        return;
                    }
                }
                Duration wait = backoff(backoffBase, failures);
                if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
                    wait = retryAfter.get();
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Reports a state, unless the channel has stopped.
         *
         * @return false when it has stopped
         */
        private boolean report(ChannelState state, String detail) {
            gatewayCall.lock();
            try {
                if (!running) {
                    return false;
                }
                ctx.status(state, detail);
                return true;
            } finally {
                gatewayCall.unlock();
            }
        }

        private URI updatesUri() {
            StringBuilder uri = new StringBuilder(methodBase).append("getUpdates?");
            if (offset.isPresent()) {
                uri.append("offset=").append(offset.getAsLong()).append('&');
            }
            return URI.create(uri.append("timeout=").append(pollTimeout.toSeconds())
                    .append("&allowed_updates=%5B%22message%22%5D").toString());
        }

        /**
         * Hands a batch over and keeps the offset after it.
         *
         * @return false when the channel stopped before the batch could be handed over
         */
        private boolean handOver(JsonArray updates) {
            gatewayCall.lock();
            try {
                if (!running) {
                    return false;
                }
                long last = -1;
                boolean any = false;
                for (JsonValue value : updates) {
                    if (!(value instanceof JsonObject update)) {
                        continue;
                    }
                    OptionalLong id = TelegramUpdates.updateId(update);
                    if (id.isEmpty()) {
                        continue;
                    }
                    Optional<InboundMessage> message = TelegramUpdates.message(update);
                    message.ifPresent(ctx::receive);
                    last = any ? Math.max(last, id.getAsLong()) : id.getAsLong();
                    any = true;
                }
                if (any) {
                    offset = OptionalLong.of(last + 1);
                    ctx.saveState(OFFSET_KEY, String.valueOf(last + 1));
                }
                return true;
            } finally {
                gatewayCall.unlock();
            }
        }

        private JsonArray updates(PlatformHttp.Answer answer) throws PollFailure {
            Optional<JsonObject> json = answer.json();
            String description = json.flatMap(o -> TelegramUpdates.string(o, "description")).map(d -> ": " + d)
                    .orElse("");
            int status = answer.status();
            if (status == 409) {
                throw new PollFailure("getUpdates: HTTP 409" + description + " (a webhook is set for this bot, or "
                        + "another client polls with its token: delete the webhook, or use webhook mode)",
                        Optional.empty());
            }
            if (status == 401 || status == 404) {
                throw new PollFailure("getUpdates: HTTP " + status + description
                        + " (the bot token was refused: check botToken)", Optional.empty());
            }
            if (!answer.ok() || json.isEmpty() || !json.get().getBoolean("ok", false)) {
                Optional<Duration> retryAfter = Optional.empty();
                if (json.isPresent() && json.get().get("parameters") instanceof JsonObject p) {
                    OptionalLong seconds = TelegramUpdates.integer(p, "retry_after");
                    if (seconds.isPresent() && seconds.getAsLong() >= 0) {
                        retryAfter = Optional.of(Duration.ofSeconds(seconds.getAsLong()));
                    }
                }
                throw new PollFailure("getUpdates: HTTP " + status
                        + (json.isEmpty() && answer.ok() ? " without a Bot API answer" : description), retryAfter);
            }
            if (!(json.get().get("result") instanceof JsonArray result)) {
                throw new PollFailure("getUpdates: the answer has no result array", Optional.empty());
            }
            return result;
        }
    }

    /** Builds a {@link TelegramChannel}; {@link #botToken} is required. */
    public static final class Builder {
        private String botToken;
        private URI apiBase = DEFAULT_API_BASE;
        private Mode mode = Mode.POLLING;
        private String webhookSecret;
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private Duration timeout = PlatformHttp.DEFAULT_TIMEOUT;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private String accountId = DEFAULT_ACCOUNT;
        private AllowList allowList = AllowList.ANYONE;

        private Builder() {}

        /**
         * The bot's token, as BotFather gave it ({@code 123456:ABC-DEF…}). Required.
         *
         * @param botToken the token
         * @return this builder
         */
        public Builder botToken(String botToken) {
            this.botToken = Objects.requireNonNull(botToken, "botToken");
            return this;
        }

        /**
         * The Bot API's address.
         *
         * @param apiBase an absolute http or https URI; {@link #DEFAULT_API_BASE} by default
         * @return this builder
         */
        public Builder apiBase(URI apiBase) {
            this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
            return this;
        }

        /**
         * How the channel receives updates.
         *
         * @param mode {@link Mode#POLLING} by default
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The {@code secret_token} given to {@code setWebhook}, which Telegram sends with each
         * update. Required in webhook mode.
         *
         * @param webhookSecret 1–256 characters of {@code A-Z}, {@code a-z}, {@code 0-9}, {@code _}
         *     and {@code -}
         * @return this builder
         */
        public Builder webhookSecret(String webhookSecret) {
            this.webhookSecret = Objects.requireNonNull(webhookSecret, "webhookSecret");
            return this;
        }

        /**
         * How long one {@code getUpdates} waits for an update (its {@code timeout}, in whole seconds).
         *
         * @param pollTimeout not negative; {@link #DEFAULT_POLL_TIMEOUT} by default; zero polls
         *     without waiting
         * @return this builder
         */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
            return this;
        }

        /**
         * The account, when the gateway runs several Telegram bots.
         *
         * @param accountId 1–64 characters of {@code [A-Za-z0-9_-]}; {@value Channel#DEFAULT_ACCOUNT} by default
         * @return this builder
         */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /**
         * Who may talk to the agent, by chat id and user id.
         *
         * @param allowList the allow-list; {@link AllowList#ANYONE} by default
         * @return this builder
         */
        public Builder allowList(AllowList allowList) {
            this.allowList = Objects.requireNonNull(allowList, "allowList");
            return this;
        }

        /**
         * How long a request to the Bot API may take (a long poll may take this much longer than
         * its poll timeout).
         *
         * @param timeout positive; {@link PlatformHttp#DEFAULT_TIMEOUT} by default
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The wait after the first failed poll, doubled after each further one up to
         * {@link #MAX_BACKOFF}.
         *
         * @param backoffBase positive; 1 s by default
         * @return this builder
         */
        Builder backoffBase(Duration backoffBase) {
            this.backoffBase = Objects.requireNonNull(backoffBase, "backoffBase");
            return this;
        }

        /**
         * Validates and builds the channel.
         *
         * @return the channel
         * @throws IllegalArgumentException naming the setting that is missing or invalid
         */
        public TelegramChannel build() {
            if (botToken == null || botToken.isBlank()) {
                throw new IllegalArgumentException("botToken: required (the token BotFather gave the bot)");
            }
            if (!TOKEN.matcher(botToken).matches()) {
                throw new IllegalArgumentException("botToken: expected the token BotFather gave the bot "
                        + "(digits, ':', then letters, digits, '_' and '-')");
            }
            Settings.checkHttpUri("apiBase", apiBase, false);
            if (webhookSecret != null && !SECRET.matcher(webhookSecret).matches()) {
                throw new IllegalArgumentException("webhookSecret: expected 1–256 characters of A-Z, a-z, 0-9, "
                        + "'_' and '-' (Telegram's secret_token)");
            }
            if (pollTimeout.isNegative()) {
                throw new IllegalArgumentException("pollTimeout: " + pollTimeout + " (expected: >= 0)");
            }
            Settings.checkTimeout(timeout);
            if (backoffBase.isNegative() || backoffBase.isZero()) {
                throw new IllegalArgumentException("backoffBase: " + backoffBase + " (expected: > 0)");
            }
            Settings.checkAccount(accountId);
            return new TelegramChannel(this);
        }
    }
}
