package dev.portico.core.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The route table: finds the route for a method and path, or says why there is none. */
public final class Router {
    private final List<Route> routes;
    private final List<List<String>> patterns;
    /** Routes without parameters, by method and path: most requests are found with one look-up. */
    private final Map<String, Route> exact = new HashMap<>();

    /**
     * Creates the table.
     *
     * @param routes every route, HTTP and WS
     */
    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.patterns = this.routes.stream().map(r -> Route.segments(r.pattern())).toList();
        for (Route r : this.routes) {
            if (!r.pattern().contains("/:")) {
                exact.putIfAbsent(r.method() + " " + r.pattern(), r);
            }
        }
    }

    /** What matching found. */
    public sealed interface Match {}

    /**
     * A route matched.
     *
     * @param route the route
     * @param params the path parameters
     */
    public record Found(Route route, Map<String, String> params) implements Match {}

    /**
     * The path exists, but not for this method.
     *
     * @param allowed the methods it has (WS routes count as GET)
     */
    public record WrongMethod(Set<String> allowed) implements Match {}

    /** No route has this path. */
    public record Missing() implements Match {}

    /**
     * Finds the route for a request.
     *
     * @param method the method, or {@link Route#WS} for an upgrade request
     * @param path the raw path
     * @return the match
     */
    public Match match(String method, String path) {
        Route hit = exact.get(method + " " + path);
        if (hit == null && method.equals("GET")) {
            hit = exact.get(Route.WS + " " + path);
        }
        if (hit != null) {
            return new Found(hit, Map.of());
        }
        Set<String> allowed = new TreeSet<>();
        List<String> got = Route.segments(path);
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            Optional<Map<String, String>> params = match(patterns.get(i), got);
            if (params.isEmpty()) {
                continue;
            }
            // A WS route also answers a plain GET, so that the handler can say an upgrade is expected.
            if (r.method().equals(method) || (method.equals("GET") && r.method().equals(Route.WS))) {
                return new Found(r, params.get());
            }
            allowed.add(r.method().equals(Route.WS) ? "GET" : r.method());
        }
        return allowed.isEmpty() ? new Missing() : new WrongMethod(allowed);
    }

    private static Optional<Map<String, String>> match(List<String> want, List<String> got) {
        if (want.size() != got.size()) {
            return Optional.empty();
        }
        Map<String, String> params = null;
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith(":")) {
                if (got.get(i).isEmpty()) {
                    return Optional.empty();
                }
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                // A path segment is percent-decoded; '+' is a plus sign there, not a space.
                params.put(w.substring(1), URLDecoder.decode(got.get(i).replace("+", "%2B"), StandardCharsets.UTF_8));
            } else if (!w.equals(got.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(params == null ? Map.of() : params);
    }

    /**
     * Every route, in registration order (what {@code docs/api.md} is checked against).
     *
     * @return the routes
     */
    public List<Route> routes() {
        return new ArrayList<>(routes);
    }
}
