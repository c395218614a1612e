package dev.portico.examples.embedded;

import dev.portico.api.agent.AgentEvent;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;

/** Portico inside an application: a custom agent behind the gateway, in a few lines. */
public final class EmbeddedGateway {
    private EmbeddedGateway() {}

    /**
     * Starts a gateway whose agent answers in upper case.
     *
     * @param port the port, 0 for any free one
     * @param token the API token
     * @return the running gateway
     */
    public static RunningGateway start(int port, String token) {
        Gateway gateway = Gateway.builder()
                .token(token)
                .agent((request, events) -> {
                    String reply = request.message().toUpperCase();
                    events.emit(new AgentEvent.TextDelta(reply));
                    events.emit(new AgentEvent.Completed(reply));
                })
                .build();
        return gateway.start(new HelidonTransport(), TransportOptions.builder().port(port).build());
    }

    /**
     * Runs the example until Ctrl-C.
     *
     * @param args {@code [port] [token]}
     */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18790;
        String token = args.length > 1 ? args[1] : "change-me-embedded-token";
        RunningGateway running = start(port, token);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        System.out.println("Embedded Portico on http://127.0.0.1:" + running.port());
    }
}
