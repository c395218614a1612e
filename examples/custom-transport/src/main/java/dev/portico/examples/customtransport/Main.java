package dev.portico.examples.customtransport;

import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a Portico gateway with the echo agent on {@link JdkHttpServerTransport}.
 *
 * <pre>
 * PORTICO_TOKEN=change-me-to-16-chars-or-more java ... dev.portico.examples.customtransport.Main [port]
 * curl -H "Authorization: Bearer $PORTICO_TOKEN" -H 'Content-Type: application/json' \
 *      -d '{"message":"hi"}' http://127.0.0.1:18790/api/agent
 * </pre>
 *
 * <p>Without {@code PORTICO_TOKEN} the gateway generates a token and prints it. Ctrl-C stops the
 * gateway gracefully.
 */
public final class Main {
    private Main() {}

    /**
     * Starts the gateway and waits until the JVM is asked to exit.
     *
     * @param args optionally the port (default 18790; 0 for any free port)
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? parsePort(args[0]) : TransportOptions.DEFAULT_PORT;
        GatewayBuilder builder = Gateway.builder();
        String token = System.getenv("PORTICO_TOKEN");
        if (token != null && !token.isBlank()) {
            builder.token(token);
        }
        Gateway gateway = builder.build();
        RunningGateway running = gateway.start(new JdkHttpServerTransport(),
                TransportOptions.builder().port(port).build());
        System.out.println("Portico " + gateway.version() + " on the JDK HTTP server at http://"
                + running.address().getHostString() + ":" + running.port());
        gateway.generatedToken().ifPresent(t -> System.out.println("Generated token: " + t));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "portico-shutdown"));
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expectation.
        }
        throw new IllegalArgumentException("port: " + value + " (expected: 0..65535)");
    }
}
