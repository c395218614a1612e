package dev.portico.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The route table: finds the route for a method and path, or says why there is none. */
public final class Router {
    private final List<Route> routes;

    /**
     * Creates the table.
     *
     * @param routes every route, HTTP and WS
     */
    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
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
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = r.match(path);
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

    /**
     * Every route, in registration order (what {@code docs/api.md} is checked against).
     *
     * @return the routes
     */
    public List<Route> routes() {
        return new ArrayList<>(routes);
    }
}
