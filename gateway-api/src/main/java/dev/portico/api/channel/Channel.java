package dev.portico.api.channel;

/**
 * One account on one chat platform: it receives the platform's messages (through its webhook or by
 * polling) and sends replies and announcements to it.
 *
 * <p>The gateway calls {@link #start} once before any other call but {@link #name()},
 * {@link #kind()}, {@link #accountId()}, {@link #capabilities()} and {@link #allowList()}; a
 * channel that lacks what it needs to verify its callers (a webhook secret, a public key) throws
 * from {@code start}, and the gateway does not start: a channel never accepts unsigned requests.
 * {@link #send} is called from the outbox's delivery threads, never twice at once for one chat;
 * {@link #webhook} from request threads. Both may be called concurrently for different chats.
 */
public interface Channel {
    /** The account of a channel configured without one. */
    String DEFAULT_ACCOUNT = "default";

    /**
     * The channel's name: the {@code channel} of {@code POST /api/message}, the first part of its
     * session keys ({@code <name>:<accountId>:<chatId>}) and the {@code :channel} of its webhook
     * route. For the built-in channels it is the kind ({@code telegram}); a generic webhook is named
     * by its configuration.
     *
     * @return 1–32 characters of {@code [a-z0-9_-]}, starting with a letter
     */
    String name();

    /**
     * What platform this is: {@code telegram}, {@code slack}, {@code discord}, {@code webhook}, or
     * a custom channel's own.
     *
     * @return the kind
     */
    String kind();

    /**
     * Which of several accounts of the same channel this is.
     *
     * @return 1–64 characters of {@code [A-Za-z0-9_-]}; {@value #DEFAULT_ACCOUNT} by default
     */
    default String accountId() {
        return DEFAULT_ACCOUNT;
    }

    /**
     * What the platform can show, which decides how replies are cut and sent.
     *
     * @return the capabilities
     */
    ChannelCapabilities capabilities();

    /**
     * Who may talk to the agent through this channel.
     *
     * @return the allow-list; {@link AllowList#ANYONE} by default
     */
    default AllowList allowList() {
        return AllowList.ANYONE;
    }

    /**
     * Starts the channel: checks its configuration, starts polling if it polls.
     *
     * @param context what the gateway offers the channel
     * @throws Exception when the channel cannot run; the gateway does not start then
     */
    void start(ChannelContext context) throws Exception;

    /** Stops polling and releases what the channel holds; sends in progress may fail. */
    void stop();

    /**
     * Sends one message to the platform, and says what became of it. Never throws for a platform
     * failure: a refusal, an error status or a network failure is a {@link DeliveryResult}.
     *
     * @param message the message, no longer than {@link ChannelCapabilities#maxMessageLength()}
     * @return what became of it
     * @throws InterruptedException when the gateway is stopping
     */
    DeliveryResult send(OutboundMessage message) throws InterruptedException;

    /**
     * Answers a request to the channel's webhook ({@code POST /api/webhook/<name>}): verifies it
     * before it parses anything, then returns the platform's expected answer and the messages it
     * carried. Channels that take no webhooks keep this default, which the gateway answers 404.
     *
     * @param request the request
     * @return the answer and the messages
     * @throws WebhookVerificationException when the request is not signed by the platform; the
     *     gateway answers 401 and counts it toward the failed-authentication lockout
     * @throws IllegalArgumentException when the payload is malformed; the gateway answers 400 with
     *     the message
     */
    default WebhookResponse webhook(WebhookRequest request) throws WebhookVerificationException {
        throw new UnsupportedOperationException("channel " + name() + " takes no webhooks");
    }
}
