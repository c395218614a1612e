package dev.portico.auth;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which web pages may call the gateway from a browser: the answer to CORS preflights, and the
 * check that keeps a foreign page from driving the gateway with a cross-site request or from
 * opening a WebSocket to it (cross-site WebSocket hijacking).
 *
 * <p>Browsers send an {@code Origin} header with every cross-site request and every WebSocket
 * handshake; command-line clients and servers usually send none. {@link #check} therefore lets a
 * request without {@code Origin} through (it still needs a credential), lets through a request
 * from the gateway's own origin or from a configured origin, and refuses every other origin.
 *
 * <p>The gateway's own origin is the scheme the request arrived with ({@link HttpRequest#secure()})
 * and the {@code Host} header. Behind a proxy that terminates TLS the gateway sees plain HTTP, so
 * the public {@code https://} origin must be listed.
 *
 * <p>No answer ever carries {@code Access-Control-Allow-Credentials}: clients authenticate with
 * {@code Authorization} or {@code X-Api-Key}, which a page must set itself, never with cookies the
 * browser would attach on its own.
 *
 * <pre>{@code
 * OriginPolicy origins = OriginPolicy.of(List.of("https://console.example.com"));
 * Optional<HttpResponse> answer = origins.preflight(request);
 * OriginPolicy.Decision decision = origins.check(request); // before routing, HTTP and WebSocket alike
 * }</pre>
 */
public final class OriginPolicy {

    /** Nothing allowed besides the gateway's own origin. */
    public static final OriginPolicy NONE = new OriginPolicy(Set.of(), false);

    private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    private static final String EXPOSE = "Access-Control-Expose-Headers";
    private static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final String ALLOW_HEADERS = "Authorization, Content-Type, X-Api-Key, Last-Event-ID";
    private static final String EXPOSE_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining";
    private static final String MAX_AGE_SECONDS = "600";
    private static final String NULL_ORIGIN = "null";
    private static final String EXPECTED = " (expected: http(s)://host[:port])";
    private static final int MAX_ORIGIN_LENGTH = 2048;
    private static final int MAX_SHOWN_LENGTH = 200;

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
    private static final Pattern ORIGIN = Pattern.compile(
            "([a-z][a-z0-9+.-]*)://(\\[[0-9a-f:.]+\\]|" + LABEL + "(?:\\." + LABEL + ")*)(?::([0-9]{1,5}))?",
            Pattern.CASE_INSENSITIVE);

    private final Set<String> origins;
    private final boolean wildcard;

    private OriginPolicy(Set<String> origins, boolean wildcard) {
        this.origins = origins;
        this.wildcard = wildcard;
    }

    /**
     * A policy that allows the given origins besides the gateway's own.
     *
     * <p>Each entry is {@code http://host[:port]} or {@code https://host[:port]}, and is kept
     * normalised: scheme and host in lower case, the default port (80 for {@code http}, 443 for
     * {@code https}) dropped, a single trailing {@code /} dropped. {@code *} allows every origin
     * except {@code null}; the entry {@code null} allows the opaque origin that sandboxed frames
     * and local files send. Surrounding blanks are ignored and duplicates are kept once.
     *
     * @param allowedOrigins the configured origins, such as {@code ["https://console.example.com"]}
     * @return the policy
     * @throws IllegalArgumentException when an entry is not an origin; the message names the entry
     *     as {@code corsOrigins[<index>]} and shows its value
     */
    public static OriginPolicy of(List<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        Set<String> origins = new LinkedHashSet<>();
        boolean wildcard = false;
        for (int i = 0; i < allowedOrigins.size(); i++) {
            String entry = allowedOrigins.get(i);
            String where = "corsOrigins[" + i + "]: ";
            if (entry == null) {
                throw new IllegalArgumentException(where + "null" + EXPECTED);
            }
            String value = entry.strip();
            if (value.equals("*")) {
                wildcard = true;
                continue;
            }
            if (value.equalsIgnoreCase(NULL_ORIGIN)) {
                origins.add(NULL_ORIGIN);
                continue;
            }
            String withoutSlash = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            Optional<String> origin = normalise(withoutSlash)
                    .filter(o -> o.startsWith("http://") || o.startsWith("https://"));
            if (origin.isEmpty()) {
                throw new IllegalArgumentException(where + entry + EXPECTED);
            }
            origins.add(origin.get());
        }
        if (origins.isEmpty() && !wildcard) {
            return NONE;
        }
        return new OriginPolicy(Collections.unmodifiableSet(origins), wildcard);
    }

    /**
     * Whether {@code *} was configured, so that any page may call the gateway.
     *
     * @return true when every origin (but {@code null}) is allowed
     */
    public boolean wildcard() {
        return wildcard;
    }

    /**
     * The configured origins, normalised, without {@code *}.
     *
     * @return the origins in configuration order, unmodifiable
     */
    public List<String> origins() {
        return List.copyOf(origins);
    }

    /**
     * Decides whether a request, an ordinary one or a WebSocket upgrade, may proceed as far as its
     * origin is concerned. Credentials are checked separately.
     *
     * <ul>
     *   <li>No {@code Origin}: allowed, no headers to add.
     *   <li>The gateway's own origin: allowed, no headers to add.
     *   <li>A configured origin: allowed, with {@code Access-Control-Allow-Origin: <origin>},
     *       {@code Access-Control-Expose-Headers} (the rate limit headers: {@code Retry-After},
     *       {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}) and {@code Vary: Origin}.
     *   <li>Any other origin when {@code *} is configured: allowed, with
     *       {@code Access-Control-Allow-Origin: *} and {@code Access-Control-Expose-Headers}.
     *   <li>Anything else, including {@code null} unless configured, a malformed origin and
     *       several differing {@code Origin} headers: refused, with the message
     *       {@code origin not allowed: <origin>}.
     * </ul>
     *
     * @param request the request
     * @return the decision
     */
    public Decision check(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        List<String> values = request.headers().all("Origin");
        if (values.isEmpty()) {
            return Decision.allow(Headers.empty(), "no origin");
        }
        String raw = values.get(0).strip();
        for (String other : values) {
            if (!other.strip().equals(raw)) {
                return refusal(String.join(", ", values));
            }
        }
        Optional<String> parsed = requestOrigin(raw);
        if (parsed.isEmpty()) {
            return refusal(raw);
        }
        String origin = parsed.get();
        if (origin.equals(NULL_ORIGIN)) {
            return origins.contains(NULL_ORIGIN) ? listed(origin) : refusal(raw);
        }
        if (ownOrigin(request).filter(origin::equals).isPresent()) {
            return Decision.allow(Headers.empty(), "same origin");
        }
        if (origins.contains(origin)) {
            return listed(origin);
        }
        if (wildcard) {
            return Decision.allow(Headers.builder().set(ALLOW_ORIGIN, "*").set(EXPOSE, EXPOSE_HEADERS).build(),
                    "any origin: " + origin);
        }
        return refusal(raw);
    }

    /**
     * Answers a CORS preflight: an {@code OPTIONS} request with {@code Origin} and
     * {@code Access-Control-Request-Method}.
     *
     * <p>An allowed origin gets {@code 204} with {@code Access-Control-Allow-Origin} (the origin,
     * or {@code *} when it is allowed through the wildcard), {@code Access-Control-Allow-Methods},
     * {@code Access-Control-Allow-Headers} ({@code Authorization, Content-Type, X-Api-Key,
     * Last-Event-ID}), {@code Access-Control-Max-Age: 600} and {@code Vary: Origin}, besides the
     * {@linkplain HttpResponse#withSecurityHeaders security headers}. A preflight from a refused
     * origin gets no answer here: the caller refuses it as {@link #check} decides, in its own error
     * format.
     *
     * @param request the request
     * @return the answer, or empty when the request is not a preflight or its origin is refused
     */
    public Optional<HttpResponse> preflight(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        if (!request.method().equalsIgnoreCase("OPTIONS")
                || !request.headers().contains("Origin")
                || !request.headers().contains("Access-Control-Request-Method")) {
            return Optional.empty();
        }
        Decision decision = check(request);
        if (!decision.allowed()) {
            return Optional.empty();
        }
        String allowOrigin = decision.headers().first(ALLOW_ORIGIN)
                .or(() -> requestOrigin(request.headers().first("Origin").orElseThrow().strip()))
                .orElseThrow();
        Headers.Builder headers = Headers.builder()
                .set(ALLOW_ORIGIN, allowOrigin)
                .set("Access-Control-Allow-Methods", ALLOW_METHODS)
                .set("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .set("Access-Control-Max-Age", MAX_AGE_SECONDS)
                .set("Vary", "Origin");
        return Optional.of(HttpResponse.of(204, HttpResponse.withSecurityHeaders(headers).build(), new byte[0]));
    }

    @Override
    public String toString() {
        List<String> shown = new ArrayList<>(origins);
        if (wildcard) {
            shown.add("*");
        }
        return "OriginPolicy" + shown;
    }

    private static Decision listed(String origin) {
        return Decision.allow(Headers.builder().set(ALLOW_ORIGIN, origin).set(EXPOSE, EXPOSE_HEADERS)
                .set("Vary", "Origin").build(), "allowed origin: " + origin);
    }

    private static Decision refusal(String origin) {
        String shown = origin.length() > MAX_SHOWN_LENGTH ? origin.substring(0, MAX_SHOWN_LENGTH) + "…" : origin;
        return Decision.refuse("origin not allowed: " + shown);
    }

    /** The origin of the gateway as this request reached it, from its scheme and {@code Host}. */
    private static Optional<String> ownOrigin(HttpRequest request) {
        String scheme = request.secure() ? "https" : "http";
        return request.headers().first("Host")
                .map(String::strip)
                .filter(host -> !host.isEmpty())
                .flatMap(host -> normalise(scheme + "://" + host));
    }

    /** An {@code Origin} header value, normalised; {@code null} is kept as it is. */
    private static Optional<String> requestOrigin(String raw) {
        if (raw.equalsIgnoreCase(NULL_ORIGIN)) {
            return Optional.of(NULL_ORIGIN);
        }
        return normalise(raw);
    }

    /**
     * {@code scheme://host[:port]} in lower case without the scheme's default port, or empty when
     * {@code value} is anything else (a path, a query, user information, an empty port).
     */
    private static Optional<String> normalise(String value) {
        if (value.length() > MAX_ORIGIN_LENGTH) {
            return Optional.empty();
        }
        Matcher m = ORIGIN.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        String port = m.group(3);
        if (port == null) {
            return Optional.of(scheme + "://" + host);
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65_535) {
            return Optional.empty();
        }
        boolean defaultPort = (scheme.equals("http") && number == 80) || (scheme.equals("https") && number == 443);
        return Optional.of(defaultPort ? scheme + "://" + host : scheme + "://" + host + ":" + number);
    }

    /**
     * The outcome of {@link #check}.
     *
     * @param allowed whether the request may proceed
     * @param headers the headers to add to the response when allowed; empty when refused
     * @param message why, for the log and, when refused, for the error envelope, such as
     *     {@code origin not allowed: https://evil.example}
     */
    public record Decision(boolean allowed, Headers headers, String message) {

        /**
         * Validates the parts.
         *
         * @param allowed whether the request may proceed
         * @param headers the headers to add; empty when refused
         * @param message why
         */
        public Decision {
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(message, "message");
            if (!allowed && !headers.isEmpty()) {
                throw new IllegalArgumentException("headers: " + headers + " (expected: none on a refusal)");
            }
        }

        /**
         * An allowing decision.
         *
         * @param headers the headers to add to the response
         * @param message why, for the log
         * @return the decision
         */
        public static Decision allow(Headers headers, String message) {
            return new Decision(true, headers, message);
        }

        /**
         * A refusing decision.
         *
         * @param message why, such as {@code origin not allowed: https://evil.example}
         * @return the decision
         */
        public static Decision refuse(String message) {
            return new Decision(false, Headers.empty(), message);
        }

        /**
         * Whether the request must be refused.
         *
         * @return the opposite of {@link #allowed()}
         */
        public boolean refused() {
            return !allowed;
        }
    }
}
