package dev.portico.cli;

import dev.portico.auth.Credential;
import dev.portico.auth.Tokens;
import dev.portico.cli.ServiceDefinition.Platform;
import dev.portico.core.Versions;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico gateway service}: installs Portico as a service of the operating system, so that
 * the gateway starts when the user logs in and again when it fails. The definitions come from
 * {@link ServiceDefinition}; the service manager's commands ({@code systemctl --user},
 * {@code launchctl}, {@code schtasks}) run through a {@link CommandRunner}.
 *
 * <p>Exit codes: 0 done, 1 failed (a service manager's command failed, a file could not be
 * written, an existing definition is in the way), 2 bad command line or config file, 3 not
 * installed ({@code status}, {@code start}).
 */
@Command(name = "service", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = {"Run the gateway as a service of this operating system: a systemd user unit on Linux, "
                + "a LaunchAgent on macOS, a scheduled task on Windows.",
            "Exit code: 0 done, 1 failed, 2 bad command line or config, 3 not installed (status, start)."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Start.class,
            ServiceCommand.Status.class})
final class ServiceCommand implements Callable<Integer> {
    /** Exit code for a failure: a service manager's command, a file, a definition in the way. */
    static final int FAILED = 1;
    /** Exit code of {@code status} and {@code start} when no service is installed. */
    static final int NOT_INSTALLED = 3;

    private static final String PREFIX = "portico gateway service: ";
    /** Variables of the user's shell that the service manager does not pass on to the gateway. */
    private static final List<String> SHELL_ONLY = List.of("PORTICO_GATEWAY_TOKEN", "PORTICO_GATEWAY_PASSWORD",
            "PORTICO_GATEWAY_AUTH_MODE", GatewaySetup.HOST_VARIABLE, GatewaySetup.PORT_VARIABLE,
            GatewaySetup.SERVER_VARIABLE);
    private static final Pattern UNIT_STATE = Pattern.compile("[a-z-]+");
    private static final Pattern LAUNCHD_PID = Pattern.compile("\"PID\"\\s*=\\s*(\\d+)");
    private static final Pattern TASK_STATUS = Pattern.compile("(?m)^\\s*Status:\\s*(\\S.*?)\\s*$");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The operating system's name, from which the platform follows; tests replace it. */
    String osName = System.getProperty("os.name");
    /** The user's home directory; tests replace it. */
    Path home = Path.of(System.getProperty("user.home"));
    /** Looks up environment variables; tests replace it. */
    Function<String, String> env = System::getenv;
    /** Runs the service manager's commands; tests replace it. */
    CommandRunner runner = CommandRunner.SYSTEM;
    /** The Portico version the definitions record; tests replace it. */
    String version = Versions.portico();
    /** The program and arguments that start this Portico CLI; tests replace it. */
    Supplier<List<String>> launcher = ServiceCommand::currentLauncher;

    /** Without a subcommand: the usage on the error stream, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println(PREFIX + "a subcommand is required (expected: install, uninstall, "
                + "start or status)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return GatewayCommand.USAGE;
    }

    /** A failure, with the one line that says what went wrong and the exit code. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /**
     * One command of the service manager.
     *
     * @param argv the program and its arguments
     * @param mayFail whether a failure is expected at times and harmless, such as stopping what
     *     is not running
     */
    record Step(List<String> argv, boolean mayFail) {
        static Step of(String... argv) {
            return new Step(List.of(argv), false);
        }

        static Step mayFail(String... argv) {
            return new Step(List.of(argv), true);
        }
    }

    /**
     * The commands that make an installed definition take effect.
     *
     * @param p the platform
     * @param file the definition's file
     * @param replaced whether it replaced a different one, so that a running gateway is to be
     *     restarted with it
     * @return the commands, in order
     */
    static List<Step> activate(Platform p, Path file, boolean replaced) {
        return switch (p) {
            case LINUX -> replaced
                    ? List.of(Step.of("systemctl", "--user", "daemon-reload"),
                            Step.of("systemctl", "--user", "enable", ServiceDefinition.UNIT),
                            Step.of("systemctl", "--user", "try-restart", ServiceDefinition.UNIT))
                    : List.of(Step.of("systemctl", "--user", "daemon-reload"),
                            Step.of("systemctl", "--user", "enable", ServiceDefinition.UNIT));
            // launchctl refuses to load what is loaded already: unload first, which fails when it is not.
            case MACOS -> List.of(Step.mayFail("launchctl", "unload", file.toString()),
                    Step.of("launchctl", "load", "-w", file.toString()));
            case WINDOWS -> List.of(Step.of("schtasks", "/Create", "/XML", file.toString(), "/TN",
                    ServiceDefinition.TASK, "/F"));
        };
    }

    /**
     * The commands that stop the service and take it out of the service manager, before its file
     * is removed.
     *
     * @param p the platform
     * @param file the definition's file
     * @return the commands, in order
     */
    static List<Step> deactivate(Platform p, Path file) {
        return switch (p) {
            case LINUX -> List.of(Step.of("systemctl", "--user", "disable", "--now", ServiceDefinition.UNIT));
            case MACOS -> List.of(Step.of("launchctl", "unload", "-w", file.toString()));
            case WINDOWS -> List.of(Step.mayFail("schtasks", "/End", "/TN", ServiceDefinition.TASK),
                    Step.of("schtasks", "/Delete", "/TN", ServiceDefinition.TASK, "/F"));
        };
    }

    /**
     * The commands after the definition's file is removed.
     *
     * @param p the platform
     * @return the commands, in order
     */
    static List<Step> afterRemoval(Platform p) {
        return p == Platform.LINUX ? List.of(Step.of("systemctl", "--user", "daemon-reload")) : List.of();
    }

    /**
     * The command that starts the installed service now.
     *
     * @param p the platform
     * @return the command
     */
    static Step start(Platform p) {
        return switch (p) {
            case LINUX -> Step.of("systemctl", "--user", "start", ServiceDefinition.UNIT);
            case MACOS -> Step.of("launchctl", "start", ServiceDefinition.LABEL);
            case WINDOWS -> Step.of("schtasks", "/Run", "/TN", ServiceDefinition.TASK);
        };
    }

    /**
     * The command that tells whether the service runs.
     *
     * @param p the platform
     * @return the command
     */
    static List<String> query(Platform p) {
        return switch (p) {
            case LINUX -> List.of("systemctl", "--user", "is-active", ServiceDefinition.UNIT);
            case MACOS -> List.of("launchctl", "list", ServiceDefinition.LABEL);
            case WINDOWS -> List.of("schtasks", "/Query", "/TN", ServiceDefinition.TASK, "/FO", "LIST");
        };
    }

    /**
     * Whether the service runs, as the service manager answered {@link #query}.
     *
     * @param running true or false; empty when it could not be told
     * @param detail what the service manager said, in a few words
     */
    record Running(Optional<Boolean> running, String detail) {
        static Running of(Platform p, CommandRunner.Result r) {
            return switch (p) {
                // is-active prints the unit's state (active, inactive, failed, activating, …) and exits 0
                // when it runs; anything else, such as no user bus to ask, leaves it unknown.
                case LINUX -> new Running(UNIT_STATE.matcher(r.lastLine()).matches()
                        ? Optional.of(r.exitCode() == 0) : Optional.empty(),
                        r.lastLine().isEmpty() ? "exit code " + r.exitCode() : r.lastLine());
                case MACOS -> {
                    if (r.exitCode() != 0) {
                        yield new Running(Optional.of(false), "not loaded in launchd");
                    }
                    Matcher pid = LAUNCHD_PID.matcher(r.output());
                    yield pid.find() ? new Running(Optional.of(true), "pid " + pid.group(1))
                            : new Running(Optional.of(false), "loaded in launchd, not running");
                }
                case WINDOWS -> {
                    if (r.exitCode() != 0) {
                        yield new Running(Optional.of(false), "not registered with Task Scheduler");
                    }
                    Matcher status = TASK_STATUS.matcher(r.output());
                    String s = status.find() ? status.group(1) : "unknown";
                    yield new Running(Optional.of(s.equalsIgnoreCase("Running")), s);
                }
            };
        }
    }

    /** What every subcommand shares: the state directory, the platform, and how it ends. */
    abstract static class Subcommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        ServiceCommand service;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The gateway's state directory "
                + "(default: ~/.portico); on Windows the definition is kept there.")
        Path stateDir;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                checkNothingBeforeService();
                Platform platform = Platform.fromOsName(service.osName).orElseThrow(() -> new Failure(FAILED,
                        "not supported on " + service.osName + " (expected: Linux, macOS or Windows)"));
                return run(platform, out);
            } catch (Failure f) {
                err.println(PREFIX + f.getMessage());
                return f.exitCode;
            } finally {
                out.flush();
                err.flush();
            }
        }

        /**
         * Does the work.
         *
         * @param platform the platform
         * @param out where the result goes
         * @return the exit code
         * @throws Failure when it cannot be done
         */
        abstract int run(Platform platform, PrintWriter out) throws Failure;

        /** Options of {@code portico gateway} itself would be lost: the service takes its own. */
        private void checkNothingBeforeService() throws Failure {
            CommandLine gateway = service.spec.commandLine().getParent();
            CommandLine.ParseResult parsed = gateway == null ? null : gateway.getParseResult();
            if (parsed != null && !parsed.matchedOptions().isEmpty()) {
                String given = parsed.matchedOptions().stream().map(CommandLine.Model.OptionSpec::longestName)
                        .distinct().collect(Collectors.joining(", "));
                throw new Failure(GatewayCommand.USAGE, given + ": not an option of 'portico gateway service' "
                        + "(expected: options after the subcommand, such as: portico gateway service install --port "
                        + "18790)");
            }
        }

        /** The state directory, absolute: {@code --state-dir}, else {@code PORTICO_STATE_DIR}, else {@code ~/.portico}. */
        Path stateDir() {
            String variable = service.env.apply(GatewaySetup.STATE_DIR_VARIABLE);
            Path dir = stateDir != null ? stateDir : variable != null && !variable.isBlank() ? Path.of(variable.strip())
                    : service.home.resolve(".portico");
            return dir.toAbsolutePath().normalize();
        }

        /** Where the definition is, or goes. */
        Path file(Platform p) {
            return p.file(service.home, stateDir());
        }

        /**
         * Runs service manager commands in order, printing each, until one fails that may not.
         *
         * @param afterwards what is left as it is when a command fails, for the message
         * @throws Failure naming the command, its exit code and the last line it printed
         */
        void runAll(List<Step> steps, PrintWriter out, String afterwards) throws Failure {
            for (Step step : steps) {
                String shown = display(step.argv());
                CommandRunner.Result r;
                try {
                    r = service.runner.run(step.argv());
                } catch (IOException e) {
                    if (step.mayFail()) {
                        continue;
                    }
                    throw new Failure(FAILED, "could not run " + shown + ": " + e.getMessage() + afterwards);
                }
                if (r.exitCode() == 0) {
                    out.println("ran: " + shown);
                } else if (!step.mayFail()) {
                    throw new Failure(FAILED, shown + " failed with exit code " + r.exitCode() + ": "
                            + (r.lastLine().isEmpty() ? "(no output)" : r.lastLine()) + afterwards);
                }
            }
        }

        /**
         * Reads an installed definition.
         *
         * @return its text, or empty when there is none
         * @throws Failure when it exists but cannot be read
         */
        Optional<String> installed(Platform p, Path file) throws Failure {
            try {
                return Optional.of(p.decode(Files.readAllBytes(file)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new Failure(FAILED, "cannot read " + file + ": " + e.getMessage());
            }
        }

        /**
         * Resolves the gateway's settings as {@code portico gateway} would, for its address and
         * credential only.
         *
         * @throws Failure with the usage exit code, naming the config problem
         */
        GatewaySetup setup(Path config, String token, Function<String, String> env) throws Failure {
            GatewaySetup.Options options = new GatewaySetup.Options();
            options.stateDir = stateDir();
            options.config = config == null ? null : config.toAbsolutePath().normalize();
            options.token = token;
            try {
                return GatewaySetup.resolveForClient(options, env);
            } catch (IllegalArgumentException e) {
                throw new Failure(GatewayCommand.USAGE, e.getMessage());
            }
        }
    }

    /** {@code portico gateway service install}. */
    @Command(name = "install", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = {"Install the gateway as a service that starts when you log in and again when it fails.",
                "It runs 'portico gateway' with the same state directory and, when given, config file and port."})
    static final class Install extends Subcommand {
        @Option(names = "--config", paramLabel = "FILE",
                description = "JSON config file (default: <state dir>/config.json when it exists).")
        Path config;

        @Option(names = "--port", paramLabel = "PORT",
                description = "Port to bind (default: the config file's, else 18790).")
        Integer port;

        @Option(names = "--token", paramLabel = "TOKEN", description = "API token, written into the definition "
                + "(readable by you only); without it the gateway finds the token as usual.")
        String token;

        @Option(names = "--force", description = "Replace an installed definition that differs.")
        boolean force;

        @Override
        int run(Platform p, PrintWriter out) throws Failure {
            if (port != null && (port < 1 || port > 65535)) {
                throw new Failure(GatewayCommand.USAGE, "--port: " + port + " (expected: 1..65535; clients of a "
                        + "service need a port they can find)");
            }
            if (token != null) {
                try {
                    Credential.checkToken("--token", token);
                } catch (IllegalArgumentException e) {
                    throw new Failure(GatewayCommand.USAGE, e.getMessage());
                }
            }
            // The service manager does not pass this shell's environment on: resolve as the service will.
            Function<String, String> serviceEnv = name -> SHELL_ONLY.contains(name) ? null : service.env.apply(name);
            GatewaySetup setup = setup(config, token, serviceEnv);
            Path state = setup.stateDir();
            Optional<String> credential;
            try {
                Tokens.createOwnerOnlyDirectory(state);
                credential = credential(setup, true);
            } catch (IOException | UncheckedIOException e) {
                throw new Failure(FAILED, "state directory " + state + ": " + e.getMessage());
            }
            ServiceDefinition.Inputs inputs;
            try {
                inputs = new ServiceDefinition.Inputs(p, service.launcher.get(), state.toString(),
                        Optional.ofNullable(config).map(c -> c.toAbsolutePath().normalize().toString()),
                        port == null ? OptionalInt.empty() : OptionalInt.of(port), Optional.ofNullable(token),
                        ServiceDefinition.fingerprint(credential), service.version, windowsUser(service.env));
            } catch (IllegalArgumentException e) {
                throw new Failure(GatewayCommand.USAGE, e.getMessage());
            }
            String text = ServiceDefinition.text(inputs);
            Path file = file(p);
            Optional<String> existing = installed(p, file);
            boolean replaced = existing.isPresent() && !existing.get().equals(text);
            if (replaced && !force) {
                throw new Failure(FAILED, file + " exists and differs from the definition this install would write "
                        + "(replace it with --force; portico gateway service status says what differs)");
            }
            try {
                if (p != Platform.LINUX) {
                    Files.createDirectories(state.resolve("logs"));
                }
                write(file, p.encode(text), token != null);
            } catch (IOException e) {
                throw new Failure(FAILED, "cannot write " + file + ": " + e.getMessage());
            }
            out.println((existing.isEmpty() ? "wrote " : replaced ? "replaced " : "unchanged ") + file);
            out.println("  runs: " + display(ServiceDefinition.command(inputs)));
            out.println("  auth: " + describe(setup, credential));
            for (String name : SHELL_ONLY) {
                if (service.env.apply(name) != null && !(token != null && name.equals("PORTICO_GATEWAY_TOKEN"))) {
                    out.println("  note: " + name + " is set in this shell, but the service does not see this "
                            + "shell's environment (" + (name.equals("PORTICO_GATEWAY_TOKEN")
                                    ? "give the token with --token" : "set it in the config file instead") + ")");
                }
            }
            runAll(activate(p, file, replaced), out, " (the definition stays in " + file
                    + "; run install again once that is fixed, or uninstall)");
            out.println(switch (p) {
                case LINUX -> "installed: it starts when you log in; start it now with: portico gateway service start";
                case MACOS -> "installed and started: launchd starts it when you log in; its output goes to "
                        + ServiceDefinition.logFile(inputs);
                case WINDOWS -> "installed: it starts when you log in; start it now with: portico gateway service "
                        + "start; its output goes to " + ServiceDefinition.logFile(inputs);
            });
            return 0;
        }

        private static String describe(GatewaySetup setup, Optional<String> credential) {
            GatewaySetup.Auth auth = setup.auth();
            return auth.mode().equals("token") && credential.isPresent()
                    ? "token " + Tokens.mask(credential.get()) + " (" + auth.source() + ")"
                    : auth.source();
        }

        /** Writes the file whole; mode 0600 when it holds the token, else 0644. */
        private static void write(Path file, byte[] content, boolean secret) throws IOException {
            SafeFiles.write(file, content, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"), true);
        }
    }

    /** {@code portico gateway service uninstall}. */
    @Command(name = "uninstall", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Stop the service, take it out of the service manager and remove its definition.")
    static final class Uninstall extends Subcommand {
        @Override
        int run(Platform p, PrintWriter out) throws Failure {
            Path file = file(p);
            if (installed(p, file).isEmpty()) {
                out.println("not installed: no " + file + "; nothing to remove");
                return 0;
            }
            runAll(deactivate(p, file), out, " (the definition stays in " + file + ")");
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new Failure(FAILED, "cannot remove " + file + ": " + e.getMessage());
            }
            out.println("removed " + file);
            runAll(afterRemoval(p), out, "");
            return 0;
        }
    }

    /** {@code portico gateway service start}. */
    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Start the installed service now; one that runs already goes on running.")
    static final class Start extends Subcommand {
        @Override
        int run(Platform p, PrintWriter out) throws Failure {
            Path file = file(p);
            if (installed(p, file).isEmpty()) {
                throw new Failure(NOT_INSTALLED, "not installed: no " + file
                        + " (install it with: portico gateway service install)");
            }
            runAll(List.of(start(p)), out, "");
            out.println("started; see how it goes with: portico gateway service status");
            return 0;
        }
    }

    /** {@code portico gateway service status [--json]}. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = {"Say whether the service is installed and running, and whether the installed definition "
                    + "was written by another Portico version or for another token than the one at hand (drift).",
                "Exit code: 0 installed, 1 failed, 2 bad command line or config, 3 not installed."})
    static final class Status extends Subcommand {
        @Option(names = "--config", paramLabel = "FILE",
                description = "JSON config file (default: <state dir>/config.json when it exists).")
        Path config;

        @Option(names = "--json", description = "Print one JSON object: platform, installed, path, running, drift.")
        boolean json;

        /**
         * A way the installed definition differs from what this Portico would install now.
         *
         * @param what {@code version}, {@code token} or {@code definition} (not written by Portico)
         * @param installed what the definition records
         * @param current what it would be now
         */
        record Drift(String what, String installed, String current) {}

        @Override
        int run(Platform p, PrintWriter out) throws Failure {
            Path file = file(p);
            Optional<String> text = installed(p, file);
            if (text.isEmpty()) {
                if (json) {
                    out.println(object(p, false, file, Optional.of(false), List.of()).build());
                } else {
                    out.println("not installed: no " + file + " (install it with: portico gateway service install)");
                }
                return NOT_INSTALLED;
            }
            String currentFingerprint;
            try {
                currentFingerprint = ServiceDefinition.fingerprint(credential(setup(config, null, service.env),
                        false));
            } catch (UncheckedIOException e) {
                throw new Failure(GatewayCommand.USAGE, e.getMessage());
            }
            List<Drift> drift = new ArrayList<>();
            Optional<ServiceDefinition.Stamp> stamp = ServiceDefinition.Stamp.read(text.get());
            String currentVersion = ServiceDefinition.recordedVersion(service.version);
            if (stamp.isEmpty()) {
                drift.add(new Drift("definition", "not written by portico gateway service install",
                        "portico " + currentVersion));
            } else {
                if (!stamp.get().version().equals(currentVersion)) {
                    drift.add(new Drift("version", stamp.get().version(), currentVersion));
                }
                if (!stamp.get().tokenFingerprint().equals(currentFingerprint)) {
                    drift.add(new Drift("token", stamp.get().tokenFingerprint(), currentFingerprint));
                }
            }
            Running running;
            List<String> query = query(p);
            try {
                running = Running.of(p, service.runner.run(query));
            } catch (IOException e) {
                running = new Running(Optional.empty(), "could not run " + display(query) + ": " + e.getMessage());
            }
            if (json) {
                out.println(object(p, true, file, running.running(), drift).build());
                return 0;
            }
            out.println("installed: " + file);
            out.println("running: " + running.running().map(r -> r ? "yes" : "no").orElse("unknown") + " ("
                    + running.detail() + ")");
            stamp.ifPresent(s -> out.println("recorded: portico " + s.version() + ", token fingerprint "
                    + s.tokenFingerprint()));
            if (drift.isEmpty()) {
                out.println("drift: none");
            }
            for (Drift d : drift) {
                out.println("drift: " + switch (d.what()) {
                    case "version" -> "version: installed by portico " + d.installed() + ", this is portico "
                            + d.current();
                    case "token" -> "token: installed for token " + d.installed() + ", the token at hand is "
                            + d.current() + " (fingerprints: the first 8 hex digits of the SHA-256)";
                    default -> "definition: " + d.installed();
                } + " (reinstall with: portico gateway service install --force)");
            }
            return 0;
        }

        private static JsonObjectBuilder object(Platform p, boolean installed, Path file, Optional<Boolean> running,
                List<Drift> drift) {
            JsonArrayBuilder drifts = Json.createArrayBuilder();
            drift.forEach(d -> drifts.add(Json.createObjectBuilder().add("what", d.what())
                    .add("installed", d.installed()).add("current", d.current())));
            JsonObjectBuilder o = Json.createObjectBuilder().add("platform", p.id()).add("installed", installed)
                    .add("path", file.toString());
            running.ifPresentOrElse(r -> o.add("running", r), () -> o.addNull("running"));
            return o.add("drift", drifts);
        }
    }

    /**
     * The credential the gateway will use, as {@code portico gateway} finds it.
     *
     * @param create whether to generate the token file when it is missing, as the gateway's first
     *     start would
     * @return the token or password; empty in auth mode none, or when the token file is missing
     *     and not to be created
     * @throws UncheckedIOException when the token file cannot be read or written
     */
    static Optional<String> credential(GatewaySetup setup, boolean create) {
        GatewaySetup.Auth auth = setup.auth();
        return switch (auth.mode()) {
            case "none" -> Optional.empty();
            case "password" -> auth.password();
            default -> auth.token().or(() -> auth.tokenFile().flatMap(f -> create
                    ? Optional.of(Tokens.loadOrCreate(f)) : Tokens.load(f)));
        };
    }

    /** The Windows account as Task Scheduler names it: {@code DOMAIN\\user}. */
    static Optional<String> windowsUser(Function<String, String> env) {
        String user = env.apply("USERNAME");
        if (user == null || user.isBlank()) {
            return Optional.empty();
        }
        String domain = env.apply("USERDOMAIN");
        return Optional.of(domain == null || domain.isBlank() ? user : domain + "\\" + user);
    }

    /** A command line as a person would type it, for messages: arguments with spaces quoted. */
    static String display(List<String> argv) {
        return argv.stream().map(a -> a.isEmpty() || a.chars().anyMatch(Character::isWhitespace) ? "\"" + a + "\"" : a)
                .collect(Collectors.joining(" "));
    }

    /**
     * How this Portico CLI was started: its JDK's {@code java} with the CLI's jar, or with the
     * class path when it runs from classes.
     */
    static List<String> currentLauncher() {
        boolean windows = Platform.fromOsName(System.getProperty("os.name")).orElse(null) == Platform.WINDOWS;
        Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        List<String> argv = new ArrayList<>(Arrays.asList(java.toString(), "--enable-native-access=ALL-UNNAMED"));
        Optional<Path> jar = Optional.empty();
        try {
            jar = Optional.of(Path.of(Portico.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
                    .filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".jar"));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // No code source to be had: run from the class path.
        }
        if (jar.isPresent()) {
            argv.addAll(List.of("-jar", jar.get().toAbsolutePath().toString()));
        } else {
            argv.addAll(List.of("-cp", System.getProperty("java.class.path"), Portico.class.getName()));
        }
        return argv;
    }
}
