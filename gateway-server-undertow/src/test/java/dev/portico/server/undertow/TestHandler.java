package dev.portico.server.undertow;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketDecision;
import java.util.function.Function;

/** A hand-written {@link GatewayHandler} for adapter tests: two functions, no gateway core. */
final class TestHandler implements GatewayHandler {
    private final Function<HttpRequest, HttpResponse> http;
    private final Function<HttpRequest, WebSocketDecision> upgrade;

    private TestHandler(Function<HttpRequest, HttpResponse> http, Function<HttpRequest, WebSocketDecision> upgrade) {
        this.http = http;
        this.upgrade = upgrade;
    }

    static TestHandler http(Function<HttpRequest, HttpResponse> http) {
        return new TestHandler(http, request -> {
            throw new AssertionError("unexpected upgrade of " + request.path());
        });
    }

    static TestHandler of(Function<HttpRequest, HttpResponse> http, Function<HttpRequest, WebSocketDecision> upgrade) {
        return new TestHandler(http, upgrade);
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        return http.apply(request);
    }

    @Override
    public WebSocketDecision upgrade(HttpRequest request) {
        return upgrade.apply(request);
    }
}
