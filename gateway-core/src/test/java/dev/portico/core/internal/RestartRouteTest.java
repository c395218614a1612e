package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.HttpResponse;
import dev.portico.core.Gateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code POST /api/restart}: the handler runs after the answer; without one the route is unavailable. */
class RestartRouteTest {
    @Test
    void theRestartHandlerRunsOnceTheRequestIsAnswered() throws Exception {
        CountDownLatch restarted = new CountDownLatch(1);
        Gateway g = Gateway.builder().token(TOKEN).restartHandler(restarted::countDown).build();
        HttpResponse r = g.handler().handle(post("/api/restart", "{}").build());
        assertEquals(202, r.status());
        assertEquals("restarting", json(r).getString("status"));
        assertTrue(restarted.await(10, TimeUnit.SECONDS), "the handler ran");
    }

    @Test
    void anEmbeddedGatewayWithoutAHandlerAnswersUnavailable() {
        Gateway g = Gateway.builder().token(TOKEN).build();
        assertError(g.handler().handle(post("/api/restart", "{}").build()), 503, "UNAVAILABLE");
    }
}
