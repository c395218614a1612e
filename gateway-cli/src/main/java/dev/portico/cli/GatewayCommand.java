package dev.portico.cli;

import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.Tokens;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;
import dev.portico.server.undertow.UndertowTransport;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portico gateway}: runs the gateway in the foreground until Ctrl-C. */
@Command(name = "gateway", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = "Run the gateway in the foreground; Ctrl-C stops it gracefully.")
final class GatewayCommand implements Callable<Integer> {
    /** Exit code for a bad command line or config. */
    static final int USAGE = 2;
    /** Exit code for a gateway that could not start (port in use, unreadable state). */
    static final int FAILED = 1;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default: 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to bind, 0 for any free port (default: 18790).")
    Integer port;

    @Option(names = "--server", paramLabel = "NAME", description = "Server adapter: helidon (default) or undertow.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token (default: gateway.auth.token, else <state dir>/token, generated on first run).")
    String token;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory (default: ~/.portico).")
    Path stateDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON config file (default: <state dir>/config.json when it exists).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Released once the gateway is up, for tests that run the command in process. */
    final CountDownLatch started = new CountDownLatch(1);
    /** Released to stop the gateway without a signal, for tests. */
    final CountDownLatch stopRequested = new CountDownLatch(1);
    volatile RunningGateway running;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path state = stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".portico");
        Path configFile = config != null ? config : state.resolve("config.json");
        ConfigFile file = ConfigFile.EMPTY;
        if (config != null || Files.exists(configFile)) {
            try {
                file = ConfigFile.read(configFile);
            } catch (ConfigFile.Invalid e) {
                err.println("error: config " + e.getMessage());
                return USAGE;
            }
        }

        Transport transport;
        TransportOptions options;
        GatewayBuilder builder = Gateway.builder();
        String tokenSource;
        String apiToken;
        try {
            transport = transport(server != null ? server : file.server().orElse("helidon"));
            options = transportOptions(file);
            file.maxBodyBytes().ifPresent(builder::maxBodyBytes);
            file.runTimeoutSeconds().ifPresent(s -> builder.runTimeout(Duration.ofSeconds(s)));
            file.maxConcurrentRuns().ifPresent(builder::maxConcurrentRuns);
            if (token != null) {
                apiToken = token;
                tokenSource = "from --token";
            } else if (file.token().isPresent()) {
                apiToken = file.token().get();
                tokenSource = "from " + configFile;
            } else {
                Path tokenFile = state.resolve("token");
                apiToken = Tokens.loadOrCreate(tokenFile);
                tokenSource = "stored in " + tokenFile;
            }
            builder.token(apiToken);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }

        Gateway gateway = builder.build();
        RunningGateway run;
        try {
            run = gateway.start(transport, options);
        } catch (TransportException e) {
            err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + reason(e)
                    + (e.getMessage().contains("in use") ? " (is another gateway running? choose another with --port)" : ""));
            return FAILED;
        }
        running = run;
        String url = "http://" + hostForUrl(options.host()) + ":" + run.port();
        out.println("Portico " + gateway.version() + " is serving on " + url + " (" + transport.name() + ")");
        out.println("  token: " + Tokens.mask(apiToken) + " (" + tokenSource + ")");
        out.println("  try:   curl " + url + "/health");
        out.println("Press Ctrl-C to stop.");
        out.flush();

        Thread hook = new Thread(() -> stop(run, options.drainTimeout(), out), "portico-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        started.countDown();
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        stop(run, options.drainTimeout(), out);
        return 0;
    }

    private static void stop(RunningGateway run, Duration drain, PrintWriter out) {
        out.println("Stopping (letting requests finish for up to " + drain.toSeconds() + " s)…");
        out.flush();
        run.stop(drain);
        out.println("Stopped.");
        out.flush();
    }

    private TransportOptions transportOptions(ConfigFile file) {
        TransportOptions.Builder b = TransportOptions.builder();
        b.host(host != null ? host : file.host().orElse("127.0.0.1"));
        b.port(port != null ? port : file.port().orElse(TransportOptions.DEFAULT_PORT));
        file.maxBodyBytes().ifPresent(b::maxBodyBytes);
        file.maxHeaderBytes().ifPresent(b::maxHeaderBytes);
        file.idleTimeoutSeconds().ifPresent(s -> b.idleTimeout(Duration.ofSeconds(s)));
        file.maxWebSocketFrameBytes().ifPresent(b::maxWebSocketFrameBytes);
        file.maxQueuedOutboundBytes().ifPresent(b::maxQueuedOutboundBytes);
        file.drainTimeoutSeconds().ifPresent(s -> b.drainTimeout(Duration.ofSeconds(s)));
        return b.build();
    }

    static Transport transport(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "helidon" -> new HelidonTransport();
            case "undertow" -> new UndertowTransport();
            default -> throw new IllegalArgumentException("server: " + name + " (expected: helidon or undertow)");
        };
    }

    private static String reason(TransportException e) {
        String m = e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
