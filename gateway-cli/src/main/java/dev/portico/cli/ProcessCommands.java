package dev.portico.cli;

import dev.portico.auth.Tokens;
import dev.portico.cron.Durations;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico gateway status}, {@code stop} and {@code restart}: the gateway running on a config
 * is found by that config's {@linkplain ProcessLock lock} (its pid and port), and asked over its API
 * with the same credential the other client commands send.
 */
final class ProcessCommands {
    /** Exit code of {@code status} when no gateway runs on the config. */
    static final int NOT_RUNNING = 3;

    private ProcessCommands() {}

    /** What the three commands share: the options, and the gateway's lock. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Mixin
        GatewayClient.Options connection = new GatewayClient.Options();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Looks up environment variables; tests replace it. */
        Function<String, String> env = System::getenv;

        /** The state directory and config file, as {@code portico gateway} resolves them. */
        Path stateDir() {
            return GatewaySetup.stateDir(connection.stateDir);
        }

        Path configFile() {
            return GatewaySetup.configFile(stateDir(), connection.config);
        }

        /** The live gateway of the config, if any. */
        Optional<ProcessLock.Holder> running() {
            return ProcessLock.read(stateDir(), configFile()).filter(ProcessLock.Holder::alive);
        }

        /** A client of the gateway, at the port its lock records unless the command line says otherwise. */
        GatewayClient client(ProcessLock.Holder holder, Duration timeout) throws GatewayClient.Failure {
            if (connection.url == null && connection.port == null && holder.port() > 0) {
                connection.port = holder.port();
            }
            return GatewayClient.connect(connection, env, timeout);
        }

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(out);
            } catch (GatewayClient.Failure f) {
                err.println("portico gateway " + spec.name() + ": " + f.getMessage());
                return f.exitCode();
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(PrintWriter out) throws GatewayClient.Failure;
    }

    /** {@code portico gateway status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Whether a gateway runs on this config: its pid, port, URL, token (masked) and uptime. "
                    + "Exit code 0 when it runs and answers, 1 when it runs but does not answer, 3 when none runs.")
    static final class Status extends Base {
        @Override
        int run(PrintWriter out) throws GatewayClient.Failure {
            Optional<ProcessLock.Holder> holder = running();
            if (holder.isEmpty()) {
                out.println("not running (config " + configFile().toAbsolutePath().normalize() + ")");
                return NOT_RUNNING;
            }
            ProcessLock.Holder h = holder.get();
            try (GatewayClient client = client(h, Duration.ofSeconds(5))) {
                out.println("running: pid " + h.pid() + ", port " + h.port() + ", since " + h.createdAt());
                out.println("  url:    " + client.base());
                out.println("  token:  " + client.bearer().secret().map(Tokens::mask).orElse("none")
                        + " (" + client.bearer().source() + ")");
                out.println("  config: " + h.configPath());
                out.println("  lock:   " + ProcessLock.path(stateDir(), configFile()));
                JsonObject status = client.get("/api/status");
                long uptime = status.get("uptime") instanceof JsonNumber n ? n.longValue() : 0;
                out.println("  uptime: " + HumanTime.duration(Duration.ofSeconds(uptime)) + " (version "
                        + status.getString("version", "?") + ", " + status.getString("status", "?") + ")");
                return 0;
            }
        }
    }

    /** {@code portico gateway stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the gateway running on this config (SIGTERM): it finishes the requests in flight "
                    + "and exits. Exit code 0 once it has exited (or when none ran), 1 when it is still running.")
    static final class Stop extends Base {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
                description = "How long it may take to stop, such as 5s or 1m (default: 5s); then --force kills it.")
        String timeout;

        @Option(names = "--force", description = "Kill it (SIGKILL) when it has not stopped within --timeout.")
        boolean force;

        @Override
        int run(PrintWriter out) throws GatewayClient.Failure {
            Duration wait;
            try {
                wait = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw new GatewayClient.Failure(GatewayCommand.USAGE, "--timeout: " + e.getMessage());
            }
            Optional<ProcessLock.Holder> holder = running();
            if (holder.isEmpty()) {
                out.println("not running (config " + configFile().toAbsolutePath().normalize() + ")");
                return 0;
            }
            long pid = holder.get().pid();
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty()) {
                out.println("stopped (pid " + pid + " had already exited)");
                return 0;
            }
            out.println("stopping pid " + pid + " (port " + holder.get().port() + ")…");
            out.flush();
            process.get().destroy();
            // The gateway drains within its own drain time; a second more covers its exit.
            if (PortOwner.exited(process.get(), wait.plusSeconds(1))) {
                out.println("stopped");
                return 0;
            }
            if (!force) {
                throw new GatewayClient.Failure(GatewayClient.FAILED, "pid " + pid + " is still running after "
                        + HumanTime.duration(wait) + "; wait longer with --timeout, or kill it with --force");
            }
            process.get().destroyForcibly();
            if (!PortOwner.exited(process.get(), Duration.ofSeconds(5))) {
                throw new GatewayClient.Failure(GatewayClient.FAILED, "pid " + pid + " survived SIGKILL");
            }
            // A killed gateway leaves its lock behind; the next start would reclaim it anyway.
            ProcessLock.removeStale(stateDir(), configFile());
            out.println("killed (SIGKILL after " + HumanTime.duration(wait) + ")");
            return 0;
        }
    }

    /** {@code portico gateway restart}. */
    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart the gateway running on this config (POST /api/restart): it stops gracefully, reads "
                    + "its config again and starts on the same port, in the same process (under a service manager, "
                    + "the manager starts it again).")
    static final class Restart extends Base {
        @Override
        int run(PrintWriter out) throws GatewayClient.Failure {
            Optional<ProcessLock.Holder> holder = running();
            if (holder.isEmpty()) {
                throw new GatewayClient.Failure(GatewayClient.FAILED, "not running (config "
                        + configFile().toAbsolutePath().normalize() + "); start it with: portico gateway");
            }
            try (GatewayClient client = client(holder.get(), GatewayClient.DEFAULT_TIMEOUT)) {
                client.post("/api/restart", jakarta.json.JsonValue.EMPTY_JSON_OBJECT);
                out.println("restarting pid " + holder.get().pid() + " (" + client.base() + ")");
                return 0;
            }
        }
    }
}
