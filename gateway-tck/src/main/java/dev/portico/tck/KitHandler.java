package dev.portico.tck;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketListener;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wraps the gateway's handler with test-only routes under {@code /tck/}, so the kit can observe
 * what the transport hands over (the request as built, the sink's close callbacks, WebSocket close
 * codes) without depending on any gateway route. Every other request goes to the gateway.
 */
final class KitHandler implements GatewayHandler {
    private final GatewayHandler gateway;
    private final Map<String, Function<HttpRequest, HttpResponse>> routes = new ConcurrentHashMap<>();
    private final Map<String, Supplier<WebSocketListener>> sockets = new ConcurrentHashMap<>();

    KitHandler(GatewayHandler gateway) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * Serves {@code path} (the raw path, matched exactly) with {@code route}.
     *
     * @param path the raw path
     * @param route answers the request; may throw to test the transport's failure handling
     * @return this handler
     */
    KitHandler route(String path, Function<HttpRequest, HttpResponse> route) {
        routes.put(path, route);
        return this;
    }

    /**
     * Accepts WebSocket upgrades of {@code path} with a listener from {@code listener}.
     *
     * @param path the raw path
     * @param listener makes the listener of each accepted socket
     * @return this handler
     */
    KitHandler socket(String path, Supplier<WebSocketListener> listener) {
        sockets.put(path, listener);
        return this;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Function<HttpRequest, HttpResponse> route = routes.get(request.path());
        return route != null ? route.apply(request) : gateway.handle(request);
    }

    @Override
    public WebSocketDecision upgrade(HttpRequest request) {
        Supplier<WebSocketListener> listener = sockets.get(request.path());
        return listener != null ? WebSocketDecision.accept(listener.get()) : gateway.upgrade(request);
    }
}
