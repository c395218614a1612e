package dev.portico.core.internal;

import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the route table: a method, a path pattern ({@code /api/sessions/:key}), what a caller
 * needs and what answers it: an HTTP handler or, for {@code WS} routes, a WebSocket listener
 * factory. Every route says what it needs: {@link #http}, {@link #sse} and {@link #ws} take a
 * scope, which may not be null; {@link #anyCredential} takes any valid credential; and a route
 * anyone may call is made with {@link #open}, by name.
 *
 * @param method {@code GET}, {@code POST}, … or {@code WS}
 * @param pattern the path pattern; {@code :name} segments are parameters
 * @param scope the scope required; empty for public routes and for any-credential routes
 * @param open whether the route is public (no credential)
 * @param stream whether the route streams (SSE or WebSocket): the only routes that may take a
 *     {@code ?token=} credential, when that is enabled
 * @param rate the request rate limit the route counts against: {@link RateClass#STRICT} for routes
 *     that need {@code operator.admin}, {@link RateClass#DEFAULT} for the others unless
 *     {@link #limitedAs} says otherwise; public routes are never limited
 * @param http the HTTP handler (null for WS routes)
 * @param ws the listener factory (null for HTTP routes)
 */
public record Route(String method, String pattern, Optional<Scope> scope, boolean open, boolean stream,
        RateClass rate, HttpHandler http, WsHandler ws) {

    /** The method name of WebSocket routes in the table. */
    public static final String WS = "WS";

    /**
     * An HTTP route that needs a scope.
     *
     * @param method the method
     * @param pattern the path pattern
     * @param scope the scope a caller must hold
     * @param handler the handler
     * @return the route
     */
    public static Route http(String method, String pattern, Scope scope, HttpHandler handler) {
        return new Route(method, pattern, Optional.of(Objects.requireNonNull(scope, "scope")), false, false, rateOf(scope),
                handler, null);
    }

    /**
     * A {@code GET} route answering a server-sent event stream, that needs a scope.
     *
     * @param pattern the path pattern
     * @param scope the scope a caller must hold
     * @param handler the handler
     * @return the route
     */
    public static Route sse(String pattern, Scope scope, HttpHandler handler) {
        return new Route("GET", pattern, Optional.of(Objects.requireNonNull(scope, "scope")), false, true, rateOf(scope),
                handler, null);
    }

    /**
     * An HTTP route that any valid credential may call, whatever its scopes.
     *
     * @param method the method
     * @param pattern the path pattern
     * @param handler the handler
     * @return the route
     */
    public static Route anyCredential(String method, String pattern, HttpHandler handler) {
        return new Route(method, pattern, Optional.empty(), false, false, RateClass.DEFAULT, handler, null);
    }

    /**
     * A WebSocket route that needs a scope; the upgrade is authorised before it is accepted.
     *
     * @param pattern the path pattern
     * @param scope the scope a caller must hold
     * @param handler the listener factory
     * @return the route
     */
    public static Route ws(String pattern, Scope scope, WsHandler handler) {
        return new Route(WS, pattern, Optional.of(Objects.requireNonNull(scope, "scope")), false, true, rateOf(scope),
                null, handler);
    }

    /**
     * An HTTP route anyone may call, without a credential (probes).
     *
     * @param method the method
     * @param pattern the path pattern
     * @param handler the handler
     * @return the route
     */
    public static Route open(String method, String pattern, HttpHandler handler) {
        return new Route(method, pattern, Optional.empty(), true, false, RateClass.DEFAULT, handler, null);
    }

    /**
     * This route, counted against another request rate limit.
     *
     * @param rateClass the limit
     * @return the route
     */
    public Route limitedAs(RateClass rateClass) {
        return new Route(method, pattern, scope, open, stream, rateClass, http, ws);
    }

    private static RateClass rateOf(Scope scope) {
        return scope == Scope.OPERATOR_ADMIN ? RateClass.STRICT : RateClass.DEFAULT;
    }

    /**
     * What a caller needs, as {@code docs/api.md} writes it: {@code public}, {@code any} (any valid
     * credential) or the scope's name.
     *
     * @return the access
     */
    public String access() {
        return open ? "public" : scope.map(Scope::wireName).orElse("any");
    }

    /** Answers an HTTP request. */
    @FunctionalInterface
    public interface HttpHandler {
        /**
         * Answers.
         *
         * @param ctx the request and what routing found
         * @return the response
         */
        HttpResponse handle(RequestContext ctx);
    }

    /** Creates the listener of an accepted WebSocket. */
    @FunctionalInterface
    public interface WsHandler {
        /**
         * Creates the listener.
         *
         * @param ctx the upgrade request and what routing found
         * @return the listener
         */
        WebSocketListener open(RequestContext ctx);
    }

    /**
     * Validates the route.
     *
     * @param method the method
     * @param pattern the pattern
     * @param scope the scope
     * @param open whether it is public
     * @param stream whether it streams
     * @param rate the request rate limit
     * @param http the HTTP handler
     * @param ws the listener factory
     */
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(rate, "rate");
        if (open && scope.isPresent()) {
            throw new IllegalArgumentException("route " + method + " " + pattern + ": public, yet needs a scope");
        }
        if ((http == null) == (ws == null)) {
            throw new IllegalArgumentException("route " + method + " " + pattern + ": exactly one handler");
        }
    }

    /**
     * Splits a path into its segments: {@code /a/b} gives {@code [a, b]}.
     *
     * @param path a path starting with {@code /}
     * @return the segments
     */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            out.add(path.substring(start, end));
            start = end + 1;
        }
        return out;
    }
}
