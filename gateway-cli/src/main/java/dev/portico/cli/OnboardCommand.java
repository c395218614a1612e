package dev.portico.cli;

import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.Tokens;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico onboard}: the first step. Writes a starter config whose comment keys explain each
 * section, which starts as it is with the echo agent, and an operator token in
 * {@code <state dir>/token} (mode 0600, as the gateway itself would generate it); then prints how to
 * start the gateway and reach it. Nothing that exists is overwritten without {@code --force}.
 */
@Command(name = "onboard", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = {"Write a starter config and a token, and print how to start the gateway.",
            "Exit code: 0 written, 1 a file exists (see --force) or cannot be written, 2 bad command line."})
final class OnboardCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory, for the token (default: PORTICO_STATE_DIR, else ~/.portico).")
    Path stateDir;

    @Option(names = "--config", paramLabel = "FILE", description = "Where to write the config (default: <state dir>/config.json).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "The port the config names (default: 18790).")
    Integer port;

    @Option(names = "--force", description = "Overwrite an existing config and token; clients then need the new token.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Looks up environment variables; tests replace it. */
    Function<String, String> env = System::getenv;

    /** What needs no quoting in a shell command line. */
    private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) {
        Path state;
        try {
            state = GatewaySetup.stateDir(stateDir, env).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return GatewayCommand.USAGE;
        }
        int p = port == null ? TransportOptions.DEFAULT_PORT : port;
        if (p < 1 || p > 65535) {
            err.println("error: --port: " + p + " (expected: 1..65535; the starter config names the port clients use)");
            return GatewayCommand.USAGE;
        }
        Path configFile = GatewaySetup.configFile(state, config).toAbsolutePath().normalize();
        Path tokenFile = state.resolve("token");
        List<Path> existing = Stream.of(configFile, tokenFile).filter(Files::exists).toList();
        if (!existing.isEmpty() && !force) {
            err.println("error: " + existing.stream().map(Path::toString).collect(Collectors.joining(" and "))
                    + (existing.size() == 1 ? " exists" : " exist") + "; onboarding leaves what is there alone (start "
                    + "the gateway with it, or replace the config and the token with --force; clients then need the "
                    + "new token)");
            return GatewayCommand.FAILED;
        }
        String token;
        try {
            GatewaySetup.prepareStateDir(state);
            if (force) {
                Files.deleteIfExists(tokenFile);
            }
            // The gateway's own way of making a token: generated, written to a temporary file with
            // mode 0600, moved into place.
            token = Tokens.loadOrCreate(tokenFile);
        } catch (IOException | UncheckedIOException e) {
            err.println("error: " + (e instanceof UncheckedIOException u ? u.getMessage() : "token file " + tokenFile
                    + ": " + e.getMessage()));
            return GatewayCommand.FAILED;
        }
        try {
            write(configFile, starterConfig(p, tokenFile), force);
        } catch (FileAlreadyExistsException e) {
            err.println("error: " + configFile + " exists (it appeared while onboarding; nothing was overwritten)");
            return GatewayCommand.FAILED;
        } catch (IOException e) {
            err.println("error: cannot write " + configFile + ": " + e.getMessage());
            return GatewayCommand.FAILED;
        }
        String url = "http://127.0.0.1:" + p;
        boolean defaultState = state.equals(Path.of(System.getProperty("user.home"), ".portico").toAbsolutePath()
                .normalize());
        String command = "./portico gateway" + (defaultState ? "" : " --state-dir " + shell(state)) + " --config "
                + shell(configFile);
        out.println("wrote " + configFile + ": a starter config (127.0.0.1:" + p + ", the echo agent; its // keys "
                + "explain each section)");
        out.println("wrote " + tokenFile + " (mode 0600): the operator token " + Tokens.mask(token));
        out.println();
        out.println("Next:");
        out.println("  start the gateway:   " + command);
        out.println("  it serves on:        " + url);
        out.println("  check it:            curl " + url + "/health");
        out.println("                       curl -H \"Authorization: Bearer $(cat " + shell(tokenFile) + ")\" " + url
                + "/api/status");
        out.println("  answer with a model: set OPENAI_API_KEY and rename \"//providers\" and \"//agents\" in the "
                + "config to \"providers\" and \"agents\" (docs/configuration.md)");
        out.println("The token is shown masked; the whole token is in " + tokenFile + ", readable by you only.");
        return 0;
    }

    /**
     * Writes the config whole, mode 0600 on POSIX file systems (keys may come to live in it);
     * without {@code replace} an existing file is never replaced.
     */
    private static void write(Path file, String text, boolean replace) throws IOException {
        SafeFiles.write(file, text.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"),
                replace);
    }

    /** A path as a shell command line takes it: as it is, or in single quotes. */
    private static String shell(Path path) {
        String s = path.toString();
        return SHELL_PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The starter config: plain JSON whose {@code //} keys are comments. It is valid as it is and
     * starts the echo agent; the model, a provider and a channel are examples under comment keys
     * ({@code "//providers"}, {@code "//agents"}, {@code "//channels"}) that renaming enables.
     *
     * @param port the port to listen on
     * @param tokenFile where the token is, for the comment of {@code gateway.auth}
     * @return the config's text
     */
    static String starterConfig(int port, Path tokenFile) {
        String authComment = "Every request but /health needs the operator token, sent as 'Authorization: Bearer "
                + "<token>'. With no token here the gateway reads it from " + tokenFile + ", written by portico "
                + "onboard with mode 0600. To take it from elsewhere, set \"token\": \"${SOME_VARIABLE}\" here, or "
                + "PORTICO_GATEWAY_TOKEN.";
        return """
                {
                  "//": "Portico's config, written by 'portico onboard'. A key that starts with // is a comment: the gateway ignores it and its value. Strings may use environment variables: ${NAME}, or ${NAME:-default}. Every key: docs/configuration.md.",
                  "gateway": {
                    "// host, port": "Where the gateway listens. 127.0.0.1 serves this machine only. PORTICO_GATEWAY_HOST and PORTICO_GATEWAY_PORT, or --host and --port, override these.",
                    "host": "127.0.0.1",
                    "port": %d,
                    "auth": {
                      "//": %s,
                      "mode": "token"
                    },
                    "limits": {
                      "//": "Limits, here at their defaults: the largest request body in bytes, how long an agent run may take, and how many runs go at once (more wait their turn).",
                      "maxBodyBytes": 1048576,
                      "runTimeoutSeconds": 600,
                      "maxConcurrentRuns": 16
                    },
                    "//channels": [
                      {
                        "//": "Chat platforms. To connect a Telegram bot, rename //channels to channels, put the token BotFather gave you in TELEGRAM_BOT_TOKEN, and your chat's id in allowedChats. Slack, Discord and signed webhooks: docs/configuration.md.",
                        "type": "telegram",
                        "botToken": "${TELEGRAM_BOT_TOKEN}",
                        "allowedChats": ["<your chat id>"]
                      }
                    ]
                  },
                  "//agent": "Without providers the gateway answers with the echo agent, which replies with your own message. To answer with a model, set OPENAI_API_KEY and rename //providers to providers and //agents to agents. Any OpenAI-compatible server works; for Ollama: base_url http://127.0.0.1:11434/v1 and no api_key.",
                  "//providers": {
                    "openai": {"base_url": "https://api.openai.com/v1", "api_key": "${OPENAI_API_KEY}"}
                  },
                  "//agents": {
                    "defaults": {
                      "model": {"primary": "openai/gpt-4o-mini"},
                      "system_prompt": "You are a helpful assistant."
                    }
                  }
                }
                """.formatted(port, JsonProvider.provider().createValue(authComment).toString());
    }
}
