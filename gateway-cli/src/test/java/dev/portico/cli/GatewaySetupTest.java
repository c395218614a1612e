package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving the settings: flag, then environment, then config file, then default; and the state directory. */
class GatewaySetupTest {
    @TempDir
    Path dir;

    GatewaySetup.Options options() {
        GatewaySetup.Options options = new GatewaySetup.Options();
        options.stateDir = dir;
        return options;
    }

    void config(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
    }

    static final String FILE = """
            {"gateway": {"host": "10.0.0.1", "port": 18801, "server": "helidon",
                         "auth": {"token": "file-token-0123456789"}}}
            """;

    @Test
    void theEnvironmentComesAfterTheFlagsAndBeforeTheFile() throws Exception {
        config(FILE);
        Map<String, String> env = Map.of("PORTICO_GATEWAY_HOST", "10.0.0.2", "PORTICO_GATEWAY_PORT", "18802",
                "PORTICO_GATEWAY_SERVER", "undertow", "PORTICO_GATEWAY_TOKEN", "env-token-0123456789");

        GatewaySetup fromFile = GatewaySetup.resolve(options(), Map.<String, String>of()::get);
        assertEquals(List.of("10.0.0.1", 18801, "helidon"), List.of(fromFile.host(), fromFile.port(), fromFile.server()));
        assertEquals("file-token-0123456789", fromFile.auth().token().orElseThrow());

        GatewaySetup fromEnv = GatewaySetup.resolve(options(), env::get);
        assertEquals(List.of("10.0.0.2", 18802, "undertow"), List.of(fromEnv.host(), fromEnv.port(), fromEnv.server()));
        assertEquals("env-token-0123456789", fromEnv.auth().token().orElseThrow());

        GatewaySetup.Options flags = options();
        flags.host = "10.0.0.3";
        flags.port = 18803;
        flags.token = "flag-token-0123456789";
        GatewaySetup fromFlags = GatewaySetup.resolve(flags, env::get);
        assertEquals(List.of("10.0.0.3", 18803), List.of(fromFlags.host(), fromFlags.port()));
        assertEquals("flag-token-0123456789", fromFlags.auth().token().orElseThrow());

        // Each key of the file that is not used says what overrides it; no secret is in the lines.
        assertEquals(List.of(), fromFile.overridden());
        String why = " (flags and the environment come before the file)";
        assertEquals(List.of("gateway.host: not used, PORTICO_GATEWAY_HOST is set" + why,
                "gateway.port: not used, PORTICO_GATEWAY_PORT is set" + why,
                "gateway.server: not used, PORTICO_GATEWAY_SERVER is set" + why,
                "gateway.auth.token: not used, PORTICO_GATEWAY_TOKEN is set" + why), fromEnv.overridden());
        assertEquals(List.of("gateway.host: not used, --host is given" + why, "gateway.port: not used, --port is given" + why,
                "gateway.server: not used, PORTICO_GATEWAY_SERVER is set" + why,
                "gateway.auth.token: not used, --token is given" + why), fromFlags.overridden());
        assertTrue(fromFlags.warnings().contains("config " + dir.resolve("config.json") + ": gateway.auth.token: not used, "
                + "--token is given" + why), fromFlags.warnings().toString());
    }

    @Test
    void withoutFlagFileOrEnvironmentTheDefaultsApplyAndAnEmptyVariableCountsAsUnset() {
        Map<String, String> blank = Map.of("PORTICO_GATEWAY_HOST", "", "PORTICO_GATEWAY_PORT", " ",
                "PORTICO_GATEWAY_SERVER", "");
        GatewaySetup setup = GatewaySetup.resolve(options(), blank::get);
        assertEquals(List.of("127.0.0.1", 18790, "helidon"), List.of(setup.host(), setup.port(), setup.server()));
    }

    @Test
    void aBadPortVariableIsAnErrorNamingIt() {
        for (String bad : List.of("70000", "-1", "http", "18790x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GatewaySetup.resolve(options(), Map.of("PORTICO_GATEWAY_PORT", bad)::get));
            assertEquals("PORTICO_GATEWAY_PORT: \"" + bad + "\" (expected: a port, 0..65535, 0 for any free port)",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> GatewaySetup.resolveForClient(options(), Map.of("PORTICO_GATEWAY_PORT", bad)::get),
                    "a client needs the port too");
        }
        assertEquals(0, GatewaySetup.resolve(options(), Map.of("PORTICO_GATEWAY_PORT", "0")::get).port());
    }

    @Test
    void aBadServerVariableStopsTheGatewayButNotAClient() {
        Map<String, String> env = Map.of("PORTICO_GATEWAY_SERVER", "tomcat");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewaySetup.resolve(options(), env::get));
        assertEquals("PORTICO_GATEWAY_SERVER: tomcat (expected: helidon or undertow)", e.getMessage());
        assertEquals(18790, GatewaySetup.resolveForClient(options(), env::get).port());
    }

    @Test
    void theStateDirectoryVariableIsUsedWithoutTheFlagAndItsConfigIsRead() throws Exception {
        config("{\"gateway\": {\"port\": 18804}}");
        GatewaySetup.Options noFlag = new GatewaySetup.Options();
        GatewaySetup setup = GatewaySetup.resolve(noFlag, Map.of("PORTICO_STATE_DIR", dir.toString())::get);
        assertEquals(dir, setup.stateDir());
        assertEquals(dir.resolve("config.json"), setup.configFile());
        assertEquals(18804, setup.port());
        assertEquals(dir.resolve("token"), setup.auth().tokenFile().orElseThrow());

        Path other = dir.resolve("other");
        assertEquals(other, GatewaySetup.stateDir(other, Map.of("PORTICO_STATE_DIR", dir.toString())::get),
                "--state-dir wins");
        assertEquals(Path.of(System.getProperty("user.home"), ".portico"),
                GatewaySetup.stateDir(null, Map.of("PORTICO_STATE_DIR", "")::get));
    }

    @Test
    void warningsNameTheConfigFile() throws Exception {
        config("{\"gateway\": {\"prot\": 1}}");
        GatewaySetup setup = GatewaySetup.resolve(options(), Map.<String, String>of()::get);
        assertEquals(List.of("config " + dir.resolve("config.json") + ": gateway.prot: unknown key (did you mean \"port\"?)"),
                setup.warnings());
    }

    @Test
    void aMissingStateDirectoryIsCreatedOwnerOnly() throws Exception {
        Path state = dir.resolve("a").resolve("state");
        GatewaySetup.prepareStateDir(state);
        assertTrue(Files.isDirectory(state));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        }
        GatewaySetup.prepareStateDir(state);
    }

    @Test
    void aRegularFileAsTheStateDirectoryIsOneClearLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> GatewaySetup.prepareStateDir(file));
        assertEquals("state directory " + file + ": not a directory; choose another with --state-dir or "
                + "PORTICO_STATE_DIR", e.getMessage());

        Path below = file.resolve("state");
        e = assertThrows(UncheckedIOException.class, () -> GatewaySetup.prepareStateDir(below));
        assertEquals("state directory " + below + ": cannot be created (" + file + " is not a directory); choose "
                + "another with --state-dir or PORTICO_STATE_DIR", e.getMessage());
    }

    @Test
    void aStateDirectoryWithoutPermissionsIsOneClearLine() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(Files.isWritable(locked), "this process may write any directory whatever its mode (it runs as "
                    + "root), so a directory it cannot use cannot be made");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> GatewaySetup.prepareStateDir(locked));
            assertEquals("state directory " + locked + ": not writable (permission denied); choose another with "
                    + "--state-dir or PORTICO_STATE_DIR", e.getMessage());
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            e = assertThrows(UncheckedIOException.class, () -> GatewaySetup.prepareStateDir(locked));
            assertEquals("state directory " + locked + ": not readable (permission denied); choose another with "
                    + "--state-dir or PORTICO_STATE_DIR", e.getMessage());
            Path inside = locked.resolve("state");
            e = assertThrows(UncheckedIOException.class, () -> GatewaySetup.prepareStateDir(inside));
            assertTrue(e.getMessage().startsWith("state directory " + inside + ": cannot be created (permission denied"),
                    e.getMessage());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
