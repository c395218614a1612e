package dev.portico.server.helidon;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/** Starts Helidon transports on a free port with small hand-written handlers. */
final class Servers {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Servers() {}

    static TransportOptions.Builder options() {
        return TransportOptions.builder().host("127.0.0.1").port(0);
    }

    static RunningTransport start(GatewayHandler handler) {
        return start(handler, options().build());
    }

    static RunningTransport start(GatewayHandler handler, TransportOptions options) {
        return new HelidonTransport().start(handler, options);
    }

    /** A handler from two functions; upgrades are rejected with 404 unless {@code upgrade} says otherwise. */
    static GatewayHandler handler(Function<HttpRequest, HttpResponse> http) {
        return handler(http, r -> WebSocketDecision.reject(json(404, "{\"ok\":false}")));
    }

    static GatewayHandler handler(Function<HttpRequest, HttpResponse> http,
            Function<HttpRequest, WebSocketDecision> upgrade) {
        return new GatewayHandler() {
            @Override
            public HttpResponse handle(HttpRequest request) {
                return http.apply(request);
            }

            @Override
            public WebSocketDecision upgrade(HttpRequest request) {
                return upgrade.apply(request);
            }
        };
    }

    static HttpResponse json(int status, String body) {
        return HttpResponse.of(status, Headers.builder().set("Content-Type", "application/json").build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    static URI uri(RunningTransport running, String target) {
        return URI.create("http://127.0.0.1:" + running.port() + target);
    }

    static URI wsUri(RunningTransport running, String target) {
        return URI.create("ws://127.0.0.1:" + running.port() + target);
    }
}
