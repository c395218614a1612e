package dev.portico.cli;

import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.Credential;
import dev.portico.auth.SecurityAudit;
import dev.portico.auth.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * What {@code portico gateway} and {@code portico security audit} both work from: the options they
 * share, the config file those point to and the environment, resolved into one set of settings.
 * {@code portico cron} resolves the same to find the gateway and its token. Resolving only reads;
 * it creates no file or directory, the token file included.
 *
 * @param stateDir the state directory ({@code --state-dir}, else {@code ~/.portico})
 * @param configFile the config file that was read, or would have been when it existed
 * @param file the config file's settings; {@link ConfigFile#EMPTY} without one
 * @param host the address to bind ({@code --host}, else {@code gateway.host}, else {@code 127.0.0.1})
 * @param port the port to bind ({@code --port}, else {@code gateway.port}, else 18790)
 * @param auth how requests are to be authenticated
 */
record GatewaySetup(Path stateDir, Path configFile, ConfigFile file, String host, int port, Auth auth) {

    /** The command-line options both commands take; a picocli mixin. */
    static final class Options {
        @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default: 127.0.0.1).")
        String host;

        @Option(names = "--port", paramLabel = "PORT",
                description = "Port to bind, 0 for any free port (default: 18790).")
        Integer port;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "API token (default: gateway.auth.token, else <state dir>/token, generated on first run).")
        String token;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory (default: ~/.portico).")
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
     * The state directory.
     *
     * @param given {@code --state-dir}, or null
     * @return it, else {@code ~/.portico}
     */
    static Path stateDir(Path given) {
        return given != null ? given : Path.of(System.getProperty("user.home"), ".portico");
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
        Path state = stateDir(options.stateDir);
        Path configFile = configFile(state, options.config);
        ConfigFile file = ConfigFile.EMPTY;
        if (options.config != null || Files.exists(configFile)) {
            try {
                file = ConfigFile.read(configFile, env, matters);
            } catch (ConfigFile.Invalid e) {
                throw new IllegalArgumentException("config " + e.getMessage(), e);
            }
        }
        return resolve(options, env, file);
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
        Path state = stateDir(options.stateDir);
        Path configFile = configFile(state, options.config);
        String host = options.host != null ? options.host : file.host().orElse("127.0.0.1");
        int port = options.port != null ? options.port : file.port().orElse(TransportOptions.DEFAULT_PORT);
        return new GatewaySetup(state, configFile, file, host, port, auth(options, env, state, configFile, file));
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
