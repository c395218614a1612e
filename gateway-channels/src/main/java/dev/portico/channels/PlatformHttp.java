package dev.portico.channels;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.DeliveryResult;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The HTTP client of the channels: one {@link HttpClient} per channel, a timeout per request, and
 * the rules by which a platform's answer becomes a {@link DeliveryResult}: {@code 2xx} delivered;
 * {@code 429} retried after exactly the wait the platform asked for ({@code Retry-After} or a
 * {@code retry_after} in the body); {@code 5xx} and {@code 408} retried with backoff; any other
 * {@code 4xx} failed for good; a connection that could not be made retried; a request that went
 * out and got no answer {@linkplain DeliveryResult.Unknown unknown}.
 */
public final class PlatformHttp {
    /** How long a platform has to answer a request by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_ERROR_TEXT = 300;

    private final HttpClient client;
    private final Duration timeout;

    /**
     * Creates a client.
     *
     * @param timeout how long a request may take, connection included
     */
    public PlatformHttp(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** An answer: status, headers and body. */
    public record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
        /**
         * The body as JSON.
         *
         * @return the object, or empty when the body is not a JSON object
         */
        public Optional<JsonObject> json() {
            try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(body))) {
                return Optional.of(reader.readObject());
            } catch (JsonException | IllegalStateException e) {
                return Optional.empty();
            }
        }

        /**
         * The body as text, cut short for a log line or an error.
         *
         * @return at most 300 characters
         */
        public String text() {
            String s = new String(body, StandardCharsets.UTF_8).strip();
            return s.length() <= MAX_ERROR_TEXT ? s : s.substring(0, MAX_ERROR_TEXT) + "…";
        }

        /**
         * Whether the status is {@code 2xx}.
         *
         * @return true for success
         */
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * POSTs a body.
     *
     * @param uri where
     * @param contentType the body's media type
     * @param headers more headers
     * @param body the body
     * @return the answer
     * @throws IOException when no answer came
     * @throws InterruptedException when interrupted
     */
    public Answer post(URI uri, String contentType, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    /**
     * GETs a resource.
     *
     * @param uri where
     * @param requestTimeout how long this request may take (a long poll takes longer than others)
     * @return the answer
     * @throws IOException when no answer came
     * @throws InterruptedException when interrupted
     */
    public Answer get(URI uri, Duration requestTimeout) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body());
    }

    /**
     * What an answer means for a send, by its status alone; for a {@code 2xx}, the caller reads
     * the platform's message id (and checks an {@code "ok":false} some platforms answer with 200).
     *
     * @param answer the answer
     * @param platformMessageId the message id read from a successful answer
     * @return the result
     */
    public static DeliveryResult classify(Answer answer, Optional<String> platformMessageId) {
        int status = answer.status();
        if (answer.ok()) {
            return new DeliveryResult.Delivered(platformMessageId);
        }
        String reason = "HTTP " + status + (answer.body().length == 0 ? "" : ": " + answer.text());
        if (status == 429) {
            OptionalLong millis = retryAfterMillis(answer);
            return millis.isPresent()
                    ? DeliveryResult.retryAfter(Duration.ofMillis(millis.getAsLong()), reason)
                    : DeliveryResult.retry(reason);
        }
        if (status >= 500 || status == 408) {
            return DeliveryResult.retry(reason);
        }
        return new DeliveryResult.Failed(reason);
    }

    /**
     * What a failure to get an answer means: a connection that could not be made is retried; a
     * request that went out and got no answer is unknown.
     *
     * @param e the failure
     * @return the result
     */
    public static DeliveryResult failure(IOException e) {
        String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return DeliveryResult.retry(reason);
        }
        return new DeliveryResult.Unknown(reason);
    }

    /**
     * The wait an answer asks for, as {@link #classify} reads it for a {@code 429}: for platforms
     * that refuse with a {@code 2xx} and a rate-limit error in the body.
     *
     * @param answer the answer
     * @return the wait, or empty when the answer names none
     */
    public static Optional<Duration> retryAfter(Answer answer) {
        OptionalLong millis = retryAfterMillis(answer);
        return millis.isPresent() ? Optional.of(Duration.ofMillis(millis.getAsLong())) : Optional.empty();
    }

    /**
     * The wait a {@code 429} asks for, in milliseconds: {@code retry_after} in the JSON body
     * (seconds, possibly fractional, at the top level or in {@code parameters} as Telegram puts
     * it), else the {@code Retry-After} header (seconds).
     */
    private static OptionalLong retryAfterMillis(Answer answer) {
        Optional<JsonObject> json = answer.json();
        if (json.isPresent()) {
            OptionalLong fromBody = millis(json.get());
            if (fromBody.isEmpty() && json.get().get("parameters") instanceof JsonObject p) {
                fromBody = millis(p);
            }
            if (fromBody.isPresent()) {
                return fromBody;
            }
        }
        Optional<String> header = answer.headers().firstValue("Retry-After");
        if (header.isPresent()) {
            try {
                long s = Long.parseLong(header.get().trim());
                if (s >= 0) {
                    return OptionalLong.of(s * 1000);
                }
            } catch (NumberFormatException dateForm) {
                // An HTTP-date: the platforms here send seconds; fall back to backoff.
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong millis(JsonObject o) {
        if (o.get("retry_after") instanceof jakarta.json.JsonNumber n) {
            double seconds = n.doubleValue();
            if (seconds >= 0 && seconds < 86_400) {
                return OptionalLong.of((long) Math.ceil(seconds * 1000));
            }
        }
        return OptionalLong.empty();
    }
}
