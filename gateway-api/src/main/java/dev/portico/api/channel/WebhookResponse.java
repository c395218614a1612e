package dev.portico.api.channel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A channel's answer to a webhook request: what the platform expects back, and the messages the
 * request carried, which the gateway de-duplicates and answers after it has sent this answer.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body
 * @param messages the messages, in order
 */
public record WebhookResponse(int status, String contentType, byte[] body, List<InboundMessage> messages) {

    /**
     * Validates and copies.
     *
     * @param status 100–599
     * @param contentType not null
     * @param body not null
     * @param messages not null
     */
    public WebhookResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        body = body.clone();
        messages = List.copyOf(messages);
    }

    /**
     * {@code 200} with a JSON body.
     *
     * @param json the body
     * @param messages the messages the request carried
     * @return the answer
     */
    public static WebhookResponse json(String json, List<InboundMessage> messages) {
        return new WebhookResponse(200, "application/json", json.getBytes(StandardCharsets.UTF_8), messages);
    }

    /**
     * {@code 200} with a plain text body.
     *
     * @param text the body
     * @param messages the messages the request carried
     * @return the answer
     */
    public static WebhookResponse text(String text, List<InboundMessage> messages) {
        return new WebhookResponse(200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), messages);
    }

    /**
     * {@code 200 {"ok":true}}.
     *
     * @param messages the messages the request carried
     * @return the answer
     */
    public static WebhookResponse ok(List<InboundMessage> messages) {
        return json("{\"ok\":true}", messages);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookResponse r && r.status == status && r.contentType.equals(contentType)
                && java.util.Arrays.equals(r.body, body) && r.messages.equals(messages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, java.util.Arrays.hashCode(body), messages);
    }

    @Override
    public String toString() {
        return "WebhookResponse[" + status + " " + contentType + ", " + body.length + " bytes, " + messages.size()
                + " messages]";
    }
}
