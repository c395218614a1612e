package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.auth.Scope;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.channel.WebhookRequest;
import dev.portico.api.channel.WebhookResponse;
import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.session.SessionKey;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import jakarta.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The routes of messages to and from channels, and the channels' webhooks. */
final class ChannelRoutes {
    /** The longest {@code Idempotency-Key} accepted. */
    static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final DefaultGateway gateway;
    private final ChannelHub hub;
    private final Conversations conversations;
    private final Duration longestRun;

    ChannelRoutes(DefaultGateway gateway, ChannelHub hub, Conversations conversations, Duration longestRun) {
        this.gateway = gateway;
        this.hub = hub;
        this.conversations = conversations;
        this.longestRun = longestRun;
    }

    List<Route> routes() {
        return List.of(
                Route.http("POST", "/api/message", Scope.OPERATOR_WRITE, this::message),
                Route.http("POST", "/api/message/sync", Scope.OPERATOR_WRITE, this::messageSync).limitedAs(RateClass.CHAT),
                Route.http("GET", "/api/message/:id", Scope.OPERATOR_READ, this::messageStatus),
                Route.http("GET", "/api/channels", Scope.OPERATOR_READ, this::channels),
                Route.http("GET", "/api/status", Scope.OPERATOR_READ, this::status),
                Route.open("POST", "/api/webhook/:channel", this::webhook),
                Route.open("POST", "/api/webhook/:channel/:account", this::webhook),
                Route.open("POST", "/webhooks/:channel", this::webhook),
                Route.open("POST", "/webhooks/:channel/:account", this::webhook));
    }

    /** Where a message goes, read from a request. */
    private record Target(Channel channel, String chatId, Optional<String> threadId) {}

    /**
     * {@code {"channel","chat_id"}} or the combined {@code {"channel":"discord:123"}}, with
     * {@code accountId} and {@code thread_id} when given.
     */
    private Target target(JsonObject body) {
        String channel = JsonCodec.requiredString(body, "channel");
        Optional<String> chatId = JsonCodec.optionalId(body, "chat_id");
        if (chatId.isEmpty()) {
            int colon = channel.indexOf(':');
            if (colon <= 0 || colon == channel.length() - 1) {
                throw new GatewayException(ErrorCode.INVALID_REQUEST, "chat_id: required (or channel as "
                        + "\"<channel>:<chat_id>\")");
            }
            chatId = Optional.of(channel.substring(colon + 1));
            channel = channel.substring(0, colon);
        }
        String account = JsonCodec.optionalString(body, "accountId").or(() -> JsonCodec.optionalString(body, "account_id"))
                .orElse(Channel.DEFAULT_ACCOUNT);
        Channel ch = hub.require(channel, account);
        Optional<String> thread = JsonCodec.optionalId(body, "thread_id");
        // A chat id that cannot name a session cannot name a chat either.
        ChannelHub.sessionOf(ch, chatId.get(), thread);
        return new Target(ch, chatId.get(), thread);
    }

    /** {@code content}, or {@code text} as some clients send it; not blank. */
    private static String content(JsonObject body) {
        Optional<String> text = JsonCodec.optionalString(body, "content").or(() -> JsonCodec.optionalString(body, "text"));
        if (text.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "content: required");
        }
        if (text.get().isBlank()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "content: must not be blank");
        }
        return text.get();
    }

    private HttpResponse message(RequestContext ctx) {
        byte[] raw = ctx.readBody();
        JsonObject body = ctx.jsonBody(raw);
        Target t = target(body);
        String text = content(body);
        Optional<String> key = ctx.request().headers().first(IDEMPOTENCY_KEY).map(String::strip);
        if (key.isPresent() && (key.get().isEmpty() || key.get().length() > MAX_IDEMPOTENCY_KEY)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, IDEMPOTENCY_KEY + ": expected 1 to "
                    + MAX_IDEMPOTENCY_KEY + " characters");
        }
        // A key is the caller's own: two callers may use the same one without meeting.
        Optional<String> scoped = key.map(k -> ctx.principal().map(p -> p.id()).orElse("anonymous") + "/" + k);
        Outbox.Accepted accepted = hub.queue(t.channel(), t.chatId(), t.threadId(), text, Map.of(), "api", scoped,
                scoped.map(k -> sha256(raw)));
        HttpResponse response = Responses.ok(new Wire.MessageAccepted("ok", true, accepted.message().id()));
        if (accepted.replayed()) {
            return new HttpResponse(response.status(), response.headers().with(Headers.builder()
                    .set("Idempotent-Replayed", "true").build()), response.body());
        }
        return response;
    }

    private HttpResponse messageSync(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        Target t = target(body);
        String text = content(body);
        SessionKey session = ChannelHub.sessionOf(t.channel(), t.chatId(), t.threadId());
        Run run = conversations.run(session, text);
        AgentEvent end;
        try {
            end = run.await(longestRun).orElseThrow(() -> new GatewayException(ErrorCode.AGENT_ERROR,
                    "the agent did not finish in time"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
        }
        if (end instanceof AgentEvent.Failed f) {
            throw new GatewayException(run.failureCode(), f.message());
        }
        String reply = ((AgentEvent.Completed) end).reply();
        String messageId = null;
        if (!reply.isBlank()) {
            messageId = hub.queue(t.channel(), t.chatId(), t.threadId(), reply, Map.of(), "reply", Optional.empty(),
                    Optional.empty()).message().id();
        }
        return Responses.ok(new Wire.MessageSyncReply("ok", true, reply, session.value(), messageId));
    }

    private HttpResponse messageStatus(RequestContext ctx) {
        String id = ctx.params().get("id");
        OutboxMessage m = hub.outbox().find(id).orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND,
                "message " + id + ": unknown, or finished too long ago to be remembered"));
        return Responses.ok(new Wire.OutboxEntryView(true, new Wire.OutboxEntry(m.id(), m.channel(), m.accountId(),
                m.chatId(), m.threadId().orElse(null), m.source(), m.status().wireName(), m.partsSent(), m.attempts(),
                m.createdAt().toString(), m.status().terminal() ? null : m.nextAttempt().toString(),
                m.lastError().orElse(null), m.platformMessageId().orElse(null))));
    }

    private HttpResponse channels(RequestContext ctx) {
        return Responses.ok(new Wire.ChannelList(true, views(hub), hub.outbox().pendingCount()));
    }

    private HttpResponse status(RequestContext ctx) {
        return Responses.ok(gateway.status());
    }

    /**
     * The channels as the API shows them.
     *
     * @param hub the channels
     * @return one view per channel, in configuration order
     */
    static List<Wire.ChannelView> views(ChannelHub hub) {
        return hub.entries().stream().map(e -> new Wire.ChannelView(e.channel.name(), e.channel.kind(),
                e.channel.accountId(), e.state.wireName(), e.detail.isEmpty() ? null : e.detail,
                e.since.toString(), e.channel.capabilities().maxMessageLength())).toList();
    }

    /**
     * A platform's request: the lockout first, then the channel's own verification (which reads
     * the body only once it has checked what it can without), then its messages, answered in the
     * background after the platform has its answer.
     */
    private HttpResponse webhook(RequestContext ctx) {
        if (gateway.draining()) {
            // The platform retries later, and reaches the next start.
            throw new GatewayException(ErrorCode.UNAVAILABLE, "draining: the gateway is stopping");
        }
        String name = ctx.params().get("channel");
        String account = ctx.params().getOrDefault("account", Channel.DEFAULT_ACCOUNT);
        Optional<String> counted = gateway.checkLockout(ctx.request());
        // A public route does not tell strangers which channels exist.
        Channel channel = hub.find(name, account).orElseThrow(() -> new GatewayException(ErrorCode.CHANNEL_NOT_FOUND,
                "no channel here takes webhooks at this path"));
        WebhookResponse answer;
        try {
            answer = channel.webhook(new Request(ctx));
        } catch (WebhookVerificationException e) {
            gateway.recordFailure(counted);
            GatewayException refusal = new GatewayException(ErrorCode.UNAUTHORIZED, e.getMessage());
            return Responses.error(refusal, new Wire.ErrorEnvelope(false, new Wire.ErrorBody(e.reason().code(),
                    e.getMessage())));
        } catch (UnsupportedOperationException e) {
            throw new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no channel here takes webhooks at this path");
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        hub.accept(channel, answer.messages());
        Headers headers = HttpResponse.withSecurityHeaders(Headers.builder()).set("Content-Type", answer.contentType())
                .set("Cache-Control", "no-store").build();
        return HttpResponse.of(answer.status(), headers, answer.body());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The webhook request a channel sees: its body is read on first use. */
    private static final class Request implements WebhookRequest {
        private final RequestContext ctx;
        private byte[] body;

        Request(RequestContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Headers headers() {
            return ctx.request().headers();
        }

        @Override
        public synchronized byte[] body() {
            if (body == null) {
                body = ctx.readBody();
            }
            return body.clone();
        }

        @Override
        public Optional<String> queryParam(String name) {
            return ctx.query(name);
        }
    }
}
