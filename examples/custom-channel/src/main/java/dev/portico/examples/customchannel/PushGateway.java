package dev.portico.examples.customchannel;

import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;
import java.net.URI;

/** An embedded gateway whose one channel is a {@link PushChannel}. */
public final class PushGateway {
    private PushGateway() {}

    /**
     * Starts the gateway.
     *
     * @param port the port; 0 for any free one
     * @param token the operator token
     * @param pushServer where the push channel sends
     * @return the running gateway
     */
    public static RunningGateway start(int port, String token, URI pushServer) {
        Gateway gateway = Gateway.builder()
                .token(token)
                .channel(new PushChannel(pushServer))
                .build();
        return gateway.start(new HelidonTransport(), TransportOptions.builder().port(port).build());
    }

    /**
     * Runs the example: {@code PushGateway <push server URI>}.
     *
     * @param args the push server, {@code https://ntfy.sh} by default
     */
    public static void main(String[] args) {
        URI server = URI.create(args.length > 0 ? args[0] : "https://ntfy.sh");
        RunningGateway running = start(18790, System.getenv().getOrDefault("PORTICO_TOKEN", "change-this-long-token"),
                server);
        System.out.println("serving on port " + running.port() + "; POST /api/message {\"channel\":\"push\","
                + "\"chat_id\":\"<topic>\",\"content\":\"…\"}");
    }
}
