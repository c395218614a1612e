package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.auth.Tokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portico onboard}: the starter config and the token, refusing to overwrite without --force. */
class OnboardCommandTest {
    @TempDir
    Path dir;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int onboard(Map<String, String> env, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        OnboardCommand cmd = cl.getSubcommands().get("onboard").getCommand();
        cmd.env = env::get;
        String[] all = new String[args.length + 1];
        all[0] = "onboard";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    int onboard(String... args) {
        return onboard(Map.of(), args);
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void writesAStarterConfigThatIsReadWithoutProblemsOrWarningsAndAToken() throws Exception {
        Path state = dir.resolve("state");
        assertEquals(0, onboard("--state-dir", state.toString()), err::toString);
        Path config = state.resolve("config.json");
        Path tokenFile = state.resolve("token");

        ConfigFile read = ConfigFile.read(config, Map.<String, String>of()::get);
        assertEquals(List.of(), read.warnings());
        assertEquals("127.0.0.1", read.host().orElseThrow());
        assertEquals(18790, read.port().getAsInt());
        assertEquals("token", read.auth().mode().orElseThrow());
        assertTrue(read.providers().isEmpty(), "the echo agent answers as it is");
        assertTrue(read.channels().isEmpty());
        assertTrue(Files.readString(config).contains("\"//\""), "the config carries comments");

        GatewaySetup setup = GatewaySetup.resolve(options(state, config), Map.<String, String>of()::get);
        assertEquals(tokenFile, setup.auth().tokenFile().orElseThrow(), "the gateway reads the token onboard wrote");

        String token = Files.readString(tokenFile).trim();
        assertEquals(Tokens.GENERATED_LENGTH, token.length());
        if (posix()) {
            assertEquals("rwx------", mode(state));
            assertEquals("rw-------", mode(tokenFile));
            assertEquals("rw-------", mode(config));
        }

        String printed = out.toString();
        assertFalse(printed.contains(token), "the whole token is never printed");
        assertTrue(printed.contains(Tokens.mask(token)), printed);
        assertTrue(printed.contains("./portico gateway --state-dir " + state + " --config " + config), printed);
        assertTrue(printed.contains("http://127.0.0.1:18790"), printed);
        assertTrue(printed.contains("curl http://127.0.0.1:18790/health"), printed);
        assertTrue(printed.contains("curl -H \"Authorization: Bearer $(cat " + tokenFile + ")\" "
                + "http://127.0.0.1:18790/api/status"), printed);
        assertEquals("", err.toString());
    }

    static GatewaySetup.Options options(Path state, Path config) {
        GatewaySetup.Options options = new GatewaySetup.Options();
        options.stateDir = state;
        options.config = config;
        return options;
    }

    @Test
    void theCommentedExamplesAreValidOnceEnabled() throws Exception {
        assertEquals(0, onboard("--state-dir", dir.toString()), err::toString);
        String text = Files.readString(dir.resolve("config.json"))
                .replace("\"//providers\"", "\"providers\"").replace("\"//agents\"", "\"agents\"")
                .replace("\"//channels\"", "\"channels\"");
        Path enabled = Files.writeString(dir.resolve("enabled.json"), text);
        ConfigFile read = ConfigFile.read(enabled, Map.of("OPENAI_API_KEY", "sk-test-0123456789",
                "TELEGRAM_BOT_TOKEN", "123456:AAH-telegram-token")::get);
        assertEquals(List.of("openai"), List.copyOf(read.providers().keySet()));
        assertEquals("openai/gpt-4o-mini", read.agentDefaults().primary().orElseThrow());
        assertEquals(List.of("telegram"), read.channels().stream().map(ChannelConfig::name).toList());
        assertEquals(List.of(), read.warnings());
    }

    @Test
    void refusesToOverwriteAConfigOrATokenWithoutForce() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"gateway\": {\"port\": 1}}");
        assertEquals(1, onboard("--state-dir", dir.toString()));
        assertEquals("error: " + config + " exists; onboarding leaves what is there alone (start the gateway with it, "
                + "or replace the config and the token with --force; clients then need the new token)\n",
                err.toString().replace(System.lineSeparator(), "\n"));
        assertEquals("{\"gateway\": {\"port\": 1}}", Files.readString(config));
        assertFalse(Files.exists(dir.resolve("token")), "nothing is written");

        Path other = dir.resolve("other");
        Files.createDirectory(other);
        Files.writeString(other.resolve("token"), "an-existing-token-0123456789\n");
        assertEquals(1, onboard("--state-dir", other.toString()));
        assertTrue(err.toString().startsWith("error: " + other.resolve("token") + " exists;"), err.toString());
        assertEquals("an-existing-token-0123456789\n", Files.readString(other.resolve("token")));
        assertFalse(Files.exists(other.resolve("config.json")));
    }

    @Test
    void forceReplacesTheConfigAndTheToken() throws Exception {
        assertEquals(0, onboard("--state-dir", dir.toString()), err::toString);
        String first = Files.readString(dir.resolve("token")).trim();
        Files.writeString(dir.resolve("config.json"), "{\"gateway\": {\"port\": 1}}");

        assertEquals(0, onboard("--state-dir", dir.toString(), "--port", "18888", "--force"), err::toString);
        String second = Files.readString(dir.resolve("token")).trim();
        assertNotEquals(first, second, "a new token");
        assertEquals(18888, ConfigFile.read(dir.resolve("config.json"), Map.<String, String>of()::get).port().getAsInt());
        assertTrue(out.toString().contains("http://127.0.0.1:18888"), out.toString());
        if (posix()) {
            assertEquals("rw-------", mode(dir.resolve("token")));
            assertEquals("rw-------", mode(dir.resolve("config.json")));
        }
    }

    @Test
    void theConfigMayLiveElsewhereAndTheStateDirectoryMayComeFromTheEnvironment() throws Exception {
        Path state = dir.resolve("from-env");
        Path config = dir.resolve("etc").resolve("portico.json");
        assertEquals(0, onboard(Map.of("PORTICO_STATE_DIR", state.toString()), "--config", config.toString()),
                err::toString);
        assertTrue(Files.exists(config));
        assertTrue(Files.exists(state.resolve("token")));
        assertFalse(Files.exists(state.resolve("config.json")));
        assertTrue(out.toString().contains("--state-dir " + state + " --config " + config), out.toString());
    }

    @Test
    void aStateDirectoryThatIsAFileIsOneLineAndExitCodeOne() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(1, onboard("--state-dir", file.toString()));
        assertEquals("error: state directory " + file + ": not a directory; choose another with --state-dir or "
                + "PORTICO_STATE_DIR", err.toString().strip());
    }

    @Test
    void anUnwritableStateDirectoryIsOneLineAndExitCodeOne() throws Exception {
        assumeTrue(posix(), "needs POSIX permissions");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(locked), "this process may write any "
                    + "directory whatever its mode (it runs as root), so a directory it cannot use cannot be made");
            assertEquals(1, onboard("--state-dir", locked.toString()));
            assertEquals("error: state directory " + locked + ": not writable (permission denied); choose another with "
                    + "--state-dir or PORTICO_STATE_DIR", err.toString().strip());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aPortOutsideTheRangeIsAUsageError() {
        assertEquals(2, onboard("--state-dir", dir.toString(), "--port", "0"));
        assertTrue(err.toString().contains("--port: 0 (expected: 1..65535"), err.toString());
        assertFalse(Files.exists(dir.resolve("config.json")));
    }
}
