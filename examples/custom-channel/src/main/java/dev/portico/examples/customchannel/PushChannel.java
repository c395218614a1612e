package dev.portico.examples.customchannel;

import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.OutboundMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A channel that only sends: each message is POSTed as plain text to {@code <server>/<chat id>},
 * the way push-notification services such as ntfy take them (the chat id is the topic). It takes
 * no webhooks, so the gateway answers 404 on its webhook path.
 */
public final class PushChannel implements Channel {
    private final URI server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A channel sending to a server.
     *
     * @param server the server's base URI, such as {@code https://ntfy.sh}
     */
    public PushChannel(URI server) {
        this.server = server;
    }

    @Override
    public String name() {
        return "push";
    }

    @Override
    public String kind() {
        return "push";
    }

    @Override
    public ChannelCapabilities capabilities() {
        return new ChannelCapabilities(4096, false, false, ChannelCapabilities.Markdown.NONE, false);
    }

    @Override
    public void start(ChannelContext context) {
        // Nothing to check or start: sending needs no credential here.
    }

    @Override
    public void stop() {
    }

    @Override
    public DeliveryResult send(OutboundMessage message) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/" + message.chatId()))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(message.text())).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            if (status / 100 == 2) {
                return new DeliveryResult.Delivered(Optional.empty());
            }
            if (status == 429) {
                return answer.headers().firstValueAsLong("Retry-After").stream().boxed().findFirst()
                        .map(s -> DeliveryResult.retryAfter(Duration.ofSeconds(s), "HTTP 429"))
                        .orElseGet(() -> DeliveryResult.retry("HTTP 429"));
            }
            return status >= 500 ? DeliveryResult.retry("HTTP " + status) : new DeliveryResult.Failed("HTTP " + status);
        } catch (ConnectException e) {
            return DeliveryResult.retry("connection refused");
        } catch (IOException e) {
            return new DeliveryResult.Unknown(e.toString());
        }
    }
}
