package dev.portico.cli;

import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.Credential;
import dev.portico.auth.SecurityAudit;
import dev.portico.auth.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * What {@code portico gateway} and {@code portico security audit} both work from: the options they
 * share, the config file those point to and the environment, resolved into one set of settings.
 * {@code portico cron} resolves the same to find the gateway and its token. Resolving only reads;
 * it creates no file or directory, the token file included ({@link #prepareStateDir} creates the
 * state directory, for the commands that write).
 *
 * <p>Each setting is taken from the first that gives it: the flag, the environment variable, the
 * config file, the default. The variables: {@value #STATE_DIR_VARIABLE}, {@value #HOST_VARIABLE},
 * {@value #PORT_VARIABLE}, {@value #SERVER_VARIABLE}, {@code PORTICO_GATEWAY_TOKEN},
 * {@code PORTICO_GATEWAY_PASSWORD} and {@code PORTICO_GATEWAY_AUTH_MODE}; one set to an empty
 * string counts as unset.
 *
 * @param stateDir the state directory ({@code --state-dir}, else {@value #STATE_DIR_VARIABLE},
 *     else {@code ~/.portico})
 * @param configFile the config file that was read, or would have been when it existed
 * @param file the config file's settings; {@link ConfigFile#EMPTY} without one
 * @param host the address to bind ({@code --host}, else {@value #HOST_VARIABLE}, else
 *     {@code gateway.host}, else {@code 127.0.0.1})
 * @param port the port to bind ({@code --port}, else {@value #PORT_VARIABLE}, else
 *     {@code gateway.port}, else 18790)
 * @param server the server adapter, {@code helidon} or {@code undertow} ({@value #SERVER_VARIABLE},
 *     else {@code gateway.server}, else {@code helidon}); {@code portico gateway --server} comes
 *     before it
 * @param auth how requests are to be authenticated
 * @param overridden the settings the config file gives that a flag or an environment variable
 *     overrides, one line each: {@code gateway.auth.token: not used, PORTICO_GATEWAY_TOKEN is set
 *     (flags and the environment come before the file)}. A change of such a key, through the file
 *     or the config API, changes nothing until the flag or the variable goes.
 */
record GatewaySetup(Path stateDir, Path configFile, ConfigFile file, String host, int port, String server,
        Auth auth, List<String> overridden) {

    /** The environment variable of the state directory, used when {@code --state-dir} is not given. */
    static final String STATE_DIR_VARIABLE = "PORTICO_STATE_DIR";
    /** The environment variable of the address to bind, before {@code gateway.host}. */
    static final String HOST_VARIABLE = "PORTICO_GATEWAY_HOST";
    /** The environment variable of the port to bind, before {@code gateway.port}. */
    static final String PORT_VARIABLE = "PORTICO_GATEWAY_PORT";
    /** The environment variable of the server adapter, before {@code gateway.server}. */
    static final String SERVER_VARIABLE = "PORTICO_GATEWAY_SERVER";
    /** The server adapters. */
    static final List<String> SERVERS = List.of("helidon", "undertow");

    /** The command-line options both commands take; a picocli mixin. */
    static final class Options {
        @Option(names = "--host", paramLabel = "ADDRESS",
                description = "Address to bind (default: PORTICO_GATEWAY_HOST, else gateway.host, else 127.0.0.1).")
        String host;

        @Option(names = "--port", paramLabel = "PORT",
                description = "Port to bind, 0 for any free port (default: PORTICO_GATEWAY_PORT, else gateway.port, "
                        + "else 18790).")
        Integer port;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "API token (default: gateway.auth.token, else <state dir>/token, generated on first run).")
        String token;

        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "State directory (default: PORTICO_STATE_DIR, else ~/.portico).")
        Path stateDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "JSON config file (default: <state dir>/config.json when it exists).")
        Path config;
    }

    /**
     * How requests are to be authenticated.
     *
     * @param mode {@code token}, {@code password} or {@code none}
     * @param token the operator token when it is configured (flag, environment or config file);
     *     empty when it lives in {@link #tokenFile}, or in the other modes
     * @param tokenFile {@code <state dir>/token} when the token is kept there, whether or not the
     *     file exists yet
     * @param password the password of {@code password} mode
     * @param source where the credential comes from, for the startup lines; never the secret
     */
    record Auth(String mode, Optional<String> token, Optional<Path> tokenFile, Optional<String> password,
            String source) {}

    /**
     * Resolves the options, the config file and the environment.
     *
     * @param options the command-line options
     * @param env looks up environment variables (null when unset)
     * @return the settings
     * @throws IllegalArgumentException naming the config file problems, or the flag, key or variable
     *     at fault
     */
    static GatewaySetup resolve(Options options, Function<String, String> env) {
        return resolve(options, env, problem -> true);
    }

    /**
     * Resolves what a client of the gateway needs: its address and its credential. Problems with
     * the rest of the config file, such as a provider key from a variable only the gateway's
     * environment sets, do not stop a client.
     *
     * @param options the command-line options
     * @param env looks up environment variables (null when unset)
     * @return the settings; those of the rest of the file may be missing
     * @throws IllegalArgumentException naming the config file problems with the address or the
     *     credential, or the flag, key or variable at fault
     */
    static GatewaySetup resolveForClient(Options options, Function<String, String> env) {
        return resolve(options, env, problem -> CLIENT_KEYS.stream().anyMatch(problem::startsWith));
    }

    /** The keys a client reads: problems elsewhere in the file are the gateway's business. */
    private static final List<String> CLIENT_KEYS = List.of("gateway:", "gateway.host", "gateway.port", "gateway.auth:",
            "gateway.auth.mode", "gateway.auth.token", "gateway.auth.password");

    /**
     * The state directory, with {@value #STATE_DIR_VARIABLE} from the process environment.
     *
     * @param given {@code --state-dir}, or null
     * @return it, else the variable's directory, else {@code ~/.portico}
     * @throws IllegalArgumentException when the variable is not a path
     */
    static Path stateDir(Path given) {
        return stateDir(given, System::getenv);
    }

    /**
     * The state directory.
     *
     * @param given {@code --state-dir}, or null
     * @param env looks up environment variables (null when unset)
     * @return it, else the directory {@value #STATE_DIR_VARIABLE} names, else {@code ~/.portico}
     * @throws IllegalArgumentException when the variable is not a path
     */
    static Path stateDir(Path given, Function<String, String> env) {
        if (given != null) {
            return given;
        }
        Optional<String> variable = variable(env, STATE_DIR_VARIABLE);
        if (variable.isPresent()) {
            try {
                return Path.of(variable.get());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(STATE_DIR_VARIABLE + ": not a path (" + e.getReason() + ")", e);
            }
        }
        return Path.of(System.getProperty("user.home"), ".portico");
    }

    /**
     * Makes the state directory ready before anything is written to it: creates it, with mode 0700
     * where the file system is POSIX, when it is missing; an existing one is left as it is, and
     * must be a directory this process can read and write.
     *
     * @param dir the state directory
     * @throws UncheckedIOException with one line naming the directory, what is wrong and the remedy,
     *     such as {@code state directory /x: not writable (permission denied); choose another with
     *     --state-dir or PORTICO_STATE_DIR}
     */
    static void prepareStateDir(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new NotDirectoryException(dir.toString());
            }
            Tokens.createOwnerOnlyDirectory(dir);
            if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                throw new IOException("not readable (permission denied)");
            }
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable (permission denied)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("state directory " + dir + ": " + why(dir, e) + "; choose another with "
                    + "--state-dir or " + STATE_DIR_VARIABLE, e);
        }
    }

    /** What is wrong with the state directory, in a few words. */
    private static String why(Path dir, IOException e) {
        String other = e instanceof FileSystemException f && f.getFile() != null && !Path.of(f.getFile()).equals(dir)
                ? f.getFile() : null;
        return switch (e) {
            case NotDirectoryException n -> other == null ? "not a directory" : "cannot be created (" + other
                    + " is not a directory)";
            case FileAlreadyExistsException x -> "cannot be created (" + (other == null ? dir : other)
                    + " is not a directory)";
            case AccessDeniedException a -> other == null && Files.exists(dir) ? "not writable (permission denied)"
                    : "cannot be created (permission denied" + (other == null ? "" : " on " + other) + ")";
            case FileSystemException f -> f.getReason() != null ? f.getReason() : String.valueOf(f.getMessage());
            default -> e.getMessage();
        };
    }

    /**
     * The config file, whether or not it exists.
     *
     * @param stateDir the state directory
     * @param given {@code --config}, or null
     * @return it, else {@code <state dir>/config.json}
     */
    static Path configFile(Path stateDir, Path given) {
        return given != null ? given : stateDir.resolve("config.json");
    }

    private static GatewaySetup resolve(Options options, Function<String, String> env, Predicate<String> matters) {
        Path state = stateDir(options.stateDir, env);
        Path configFile = configFile(state, options.config);
        ConfigFile file = options.config != null || Files.exists(configFile) ? read(configFile, env, matters)
                : ConfigFile.EMPTY;
        return resolve(options, env, file, matters);
    }

    /**
     * Resolves the options and the environment over a config already read, such as one sent to
     * {@code POST /api/config} before it is written.
     *
     * @param options the command-line options
     * @param env looks up environment variables (null when unset)
     * @param file the config's settings
     * @return the settings
     * @throws IllegalArgumentException naming the flag, key or variable at fault
     */
    static GatewaySetup resolve(Options options, Function<String, String> env, ConfigFile file) {
        return resolve(options, env, file, problem -> true);
    }

    private static GatewaySetup resolve(Options options, Function<String, String> env, ConfigFile file,
            Predicate<String> matters) {
        Path state = stateDir(options.stateDir, env);
        Path configFile = configFile(state, options.config);
        String host = Optional.ofNullable(options.host).or(() -> variable(env, HOST_VARIABLE)).or(file::host)
                .orElse("127.0.0.1");
        int port = options.port != null ? options.port
                : port(env).orElseGet(() -> file.port().orElse(TransportOptions.DEFAULT_PORT));
        Optional<String> serverVariable = variable(env, SERVER_VARIABLE);
        String server = serverVariable.or(file::server).orElse("helidon");
        String badServer = SERVER_VARIABLE + ": " + server + " (expected: " + String.join(" or ", SERVERS) + ")";
        if (serverVariable.isPresent() && !SERVERS.contains(server.toLowerCase(Locale.ROOT)) && matters.test(badServer)) {
            throw new IllegalArgumentException(badServer);
        }
        return new GatewaySetup(state, configFile, file, host, port, server,
                auth(options, env, state, configFile, file), overridden(options, env, file));
    }

    /** What {@link #overridden()} says. */
    private static List<String> overridden(Options options, Function<String, String> env, ConfigFile file) {
        ConfigFile.Auth a = file.auth();
        List<String> lines = new ArrayList<>();
        overrides(lines, "gateway.host", file.host().isPresent(), options.host != null ? "--host" : null, env,
                HOST_VARIABLE);
        overrides(lines, "gateway.port", file.port().isPresent(), options.port != null ? "--port" : null, env,
                PORT_VARIABLE);
        overrides(lines, "gateway.server", file.server().isPresent(), null, env, SERVER_VARIABLE);
        overrides(lines, "gateway.auth.mode", a.mode().isPresent(), null, env, "PORTICO_GATEWAY_AUTH_MODE");
        overrides(lines, "gateway.auth.token", a.token().isPresent(), options.token != null ? "--token" : null, env,
                "PORTICO_GATEWAY_TOKEN");
        overrides(lines, "gateway.auth.password", a.password().isPresent(), null, env, "PORTICO_GATEWAY_PASSWORD");
        return List.copyOf(lines);
    }

    /** Adds the line of a key the file gives when the flag given or the variable set overrides it. */
    private static void overrides(List<String> lines, String key, boolean inFile, String flag,
            Function<String, String> env, String variable) {
        if (inFile && flag != null) {
            lines.add(overriddenLine(key, flag + " is given"));
        } else if (inFile && variable(env, variable).isPresent()) {
            lines.add(overriddenLine(key, variable + " is set"));
        }
    }

    /**
     * One line of {@link #overridden()}.
     *
     * @param key the config file's key
     * @param by what overrides it: {@code --port is given}
     * @return the line
     */
    static String overriddenLine(String key, String by) {
        return key + ": not used, " + by + " (flags and the environment come before the file)";
    }

    private static ConfigFile read(Path configFile, Function<String, String> env, Predicate<String> matters) {
        try {
            return ConfigFile.read(configFile, env, matters);
        } catch (ConfigFile.Invalid e) {
            throw new IllegalArgumentException("config " + e.getMessage(), e);
        }
    }

    /** An environment variable that is set and not blank. */
    private static Optional<String> variable(Function<String, String> env, String name) {
        return Optional.ofNullable(env.apply(name)).filter(v -> !v.isBlank()).map(String::strip);
    }

    /** {@value #PORT_VARIABLE}, checked. */
    private static Optional<Integer> port(Function<String, String> env) {
        return variable(env, PORT_VARIABLE).map(value -> {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // Reported below with the expectation.
            }
            throw new IllegalArgumentException(PORT_VARIABLE + ": \"" + value + "\" (expected: a port, 0..65535, "
                    + "0 for any free port)");
        });
    }

    /**
     * What the config file holds that is not used, such as an unknown key or a key a flag
     * overrides, one line each and naming the file: {@code config /home/me/.portico/config.json:
     * gateway.prot: unknown key (did you mean "port"?)}.
     *
     * @return the warnings; empty without a config file
     */
    List<String> warnings() {
        return Stream.concat(file.warnings().stream(), overridden.stream()).map(w -> "config " + configFile + ": " + w)
                .toList();
    }

    private static Auth auth(Options options, Function<String, String> env, Path state, Path configFile,
            ConfigFile file) {
        ConfigFile.Auth auth = file.auth();
        Optional<String> envToken = Optional.ofNullable(env.apply("PORTICO_GATEWAY_TOKEN")).filter(t -> !t.isBlank());
        Optional<String> password = Optional.ofNullable(env.apply("PORTICO_GATEWAY_PASSWORD")).or(auth::password);
        boolean tokenGiven = options.token != null || envToken.isPresent() || auth.token().isPresent();
        String mode = Optional.ofNullable(env.apply("PORTICO_GATEWAY_AUTH_MODE")).filter(m -> !m.isBlank())
                .or(auth::mode).orElse(password.isPresent() && !tokenGiven ? "password" : "token");
        if (tokenGiven && password.isPresent()) {
            throw new IllegalArgumentException("gateway.auth: a token and a password are both set (expected: one; "
                    + "gateway.auth.mode picks which)");
        }
        return switch (mode) {
            case "none" -> new Auth(mode, Optional.empty(), Optional.empty(), Optional.empty(),
                    "auth mode none: every caller is an operator");
            case "password" -> new Auth(mode, Optional.empty(), Optional.empty(),
                    Optional.of(password.orElseThrow(() -> new IllegalArgumentException("gateway.auth.mode password: "
                            + "no password (expected: gateway.auth.password or PORTICO_GATEWAY_PASSWORD)"))),
                    "auth mode password");
            case "token" -> {
                if (options.token != null) {
                    yield new Auth(mode, Optional.of(options.token), Optional.empty(), Optional.empty(), "from --token");
                } else if (envToken.isPresent()) {
                    yield new Auth(mode, envToken, Optional.empty(), Optional.empty(), "from PORTICO_GATEWAY_TOKEN");
                } else if (auth.token().isPresent()) {
                    yield new Auth(mode, auth.token(), Optional.empty(), Optional.empty(), "from " + configFile);
                }
                Path tokenFile = state.resolve("token");
                yield new Auth(mode, Optional.empty(), Optional.of(tokenFile), Optional.empty(), "stored in " + tokenFile);
            }
            default -> throw new IllegalArgumentException("PORTICO_GATEWAY_AUTH_MODE: " + mode
                    + " (expected: token, password or none)");
        };
    }

    /**
     * The settings for the security audit.
     *
     * @param storedToken the token read from {@link Auth#tokenFile()}; empty when the token is
     *     configured elsewhere, or when the file does not exist yet and the gateway will generate it
     * @return the audit's settings
     */
    SecurityAudit.Settings auditSettings(Optional<String> storedToken) {
        Optional<String> token = auth.token().or(() -> storedToken);
        boolean generated = auth.tokenFile().isPresent();
        int length = token.map(GatewaySetup::tokenLength).orElse(generated ? Tokens.GENERATED_LENGTH : 0);
        return new SecurityAudit.Settings(host, auth.mode(), generated, length, file.corsOrigins(),
                file.auth().allowQueryToken(), file.auth().rateLimit().enabled(), Optional.of(stateDir),
                storedToken.isPresent() ? auth.tokenFile() : Optional.empty());
    }

    /** The length that counts for guessing: a {@code sha256:} hash stands for a token long enough. */
    private static int tokenLength(String token) {
        return token.regionMatches(true, 0, "sha256:", 0, 7)
                ? Math.max(token.length(), Credential.MIN_TOKEN_LENGTH)
                : token.length();
    }
}
