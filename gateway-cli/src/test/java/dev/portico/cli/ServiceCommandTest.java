package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.cli.ServiceDefinition.Platform;
import dev.portico.cli.ServiceDefinition.Stamp;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code portico gateway service}: what it writes, which service manager commands it runs (recorded,
 * never run), what it prints and how it exits, for each platform whatever the host.
 */
class ServiceCommandTest {
    static final String TOKEN = "a-token-given-to-install-0123456789";
    static final List<String> LAUNCHER = List.of("/opt/jdk/bin/java", "-jar", "/opt/portico/gateway-cli.jar");
    static final String UNIT = ServiceDefinition.UNIT;

    @TempDir
    Path dir;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    final Map<String, String> env = new HashMap<>();
    final List<List<String>> ran = new ArrayList<>();
    final Map<List<String>, CommandRunner.Result> answers = new HashMap<>();
    /** Programs that cannot be started, as when they are not installed. */
    final List<String> missing = new ArrayList<>();
    String version = "1.2.3";

    Path home() {
        return dir.resolve("home");
    }

    Path state() {
        return dir.resolve("state");
    }

    /** Runs {@code portico gateway service <args>} as if on {@code os}, with {@code --state-dir} added. */
    int service(String os, String... args) {
        List<String> argv = new ArrayList<>(List.of("gateway", "service"));
        argv.addAll(Arrays.asList(args));
        if (!argv.contains("--help")) {
            argv.addAll(List.of("--state-dir", state().toString()));
        }
        return portico(os, argv.toArray(String[]::new));
    }

    int portico(String os, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ServiceCommand service = cl.getSubcommands().get("gateway").getSubcommands().get("service").getCommand();
        service.osName = os;
        service.home = home();
        service.env = env::get;
        service.version = version;
        service.launcher = () -> LAUNCHER;
        service.runner = argv -> {
            ran.add(argv);
            if (missing.contains(argv.get(0))) {
                throw new IOException("Cannot run program \"" + argv.get(0) + "\": error=2, No such file or directory");
            }
            return answers.getOrDefault(argv, new CommandRunner.Result(0, ""));
        };
        return cl.execute(args);
    }

    List<String> lines() {
        return out.toString().lines().toList();
    }

    Path unit() {
        return Platform.LINUX.file(home(), state());
    }

    String storedToken() throws IOException {
        return Files.readString(state().resolve("token")).strip();
    }

    static List<String> argv(String... argv) {
        return List.of(argv);
    }

    @Test
    void installOnLinuxWritesAUserUnitAndEnablesIt() throws Exception {
        assertEquals(0, service("Linux", "install"), out + "" + err);
        Path unit = unit();
        String text = Files.readString(unit);
        assertEquals(List.of(argv("systemctl", "--user", "daemon-reload"), argv("systemctl", "--user", "enable", UNIT)),
                ran);
        assertEquals(List.of("wrote " + unit,
                "  runs: /opt/jdk/bin/java -jar /opt/portico/gateway-cli.jar gateway --state-dir " + state(),
                "  auth: token " + dev.portico.auth.Tokens.mask(storedToken()) + " (stored in " + state().resolve("token")
                        + ")",
                "ran: systemctl --user daemon-reload",
                "ran: systemctl --user enable " + UNIT,
                "installed: it starts when you log in; start it now with: portico gateway service start"), lines());
        assertEquals("", err.toString());
        assertTrue(text.contains("\nExecStart=/opt/jdk/bin/java -jar /opt/portico/gateway-cli.jar gateway --state-dir "
                + state() + "\n"), text);
        assertTrue(text.contains("\nEnvironment=PORTICO_SERVICE_MARKER=systemd\n"), text);
        assertFalse(text.contains(storedToken()), "the token stays in the token file");
        assertFalse(text.contains("PORTICO_GATEWAY_TOKEN"), text);
        assertEquals(Optional.of(new Stamp("1.2.3", ServiceDefinition.fingerprint(Optional.of(storedToken())))),
                Stamp.read(text), "the token the first start would have generated, generated now");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state())));
    }

    @Test
    void aTokenGivenToInstallGoesIntoTheDefinitionWhichOnlyTheUserMayRead() throws Exception {
        assertEquals(0, service("Linux", "install", "--token", TOKEN, "--port", "18800"), out + "" + err);
        String text = Files.readString(unit());
        assertTrue(text.contains("\nEnvironment=PORTICO_GATEWAY_TOKEN=" + TOKEN + "\n"), text);
        assertTrue(text.contains(" --port 18800\n"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit())));
        assertEquals(Optional.of(new Stamp("1.2.3", ServiceDefinition.fingerprint(Optional.of(TOKEN)))),
                Stamp.read(text));
        assertFalse(out.toString().contains(TOKEN), out.toString());
        assertTrue(lines().contains("  auth: token a-to…6789 (from --token)"), out.toString());
        assertFalse(Files.exists(state().resolve("token")), "no token file for a token given on the command line");
    }

    @Test
    void theTokenOfTheConfigFileIsTheOneRecorded() throws Exception {
        Path config = dir.resolve("portico.json");
        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": \"" + TOKEN + "\"}}}");
        assertEquals(0, service("Linux", "install", "--config", config.toString()), out + "" + err);
        String text = Files.readString(unit());
        assertTrue(text.contains(" --config " + config + "\n"), text);
        assertFalse(text.contains(TOKEN), "the token stays in the config file");
        assertEquals(ServiceDefinition.fingerprint(Optional.of(TOKEN)), Stamp.read(text).orElseThrow().tokenFingerprint());
        assertFalse(Files.exists(state().resolve("token")));

        assertEquals(2, service("Linux", "install", "--config", dir.resolve("missing.json").toString()));
        assertTrue(err.toString().startsWith("portico gateway service: config " + dir.resolve("missing.json")),
                err.toString());
    }

    @Test
    void aTokenOnlyThisShellHasIsNotTheServicesAndInstallSaysSo() throws Exception {
        env.put("PORTICO_GATEWAY_TOKEN", TOKEN);
        assertEquals(0, service("Linux", "install"), out + "" + err);
        assertTrue(lines().contains("  note: PORTICO_GATEWAY_TOKEN is set in this shell, but the service does not see "
                + "this shell's environment (give the token with --token)"), out.toString());
        String recorded = Stamp.read(Files.readString(unit())).orElseThrow().tokenFingerprint();
        assertEquals(ServiceDefinition.fingerprint(Optional.of(storedToken())), recorded);

        // The clients of this shell send the variable's token, which is not the service's.
        answers.put(argv("systemctl", "--user", "is-active", UNIT), new CommandRunner.Result(0, "active\n"));
        assertEquals(0, service("Linux", "status"));
        assertTrue(lines().contains("drift: token: installed for token " + recorded + ", the token at hand is "
                + ServiceDefinition.fingerprint(Optional.of(TOKEN)) + " (fingerprints: the first 8 hex digits of the "
                + "SHA-256) (reinstall with: portico gateway service install --force)"), out.toString());
    }

    @Test
    void installRefusesToReplaceADifferentDefinitionWithoutForce() throws Exception {
        Files.createDirectories(unit().getParent());
        Files.writeString(unit(), "[Unit]\nDescription=mine\n");
        assertEquals(1, service("Linux", "install"));
        assertEquals("portico gateway service: " + unit() + " exists and differs from the definition this install "
                + "would write (replace it with --force; portico gateway service status says what differs)\n",
                err.toString());
        assertEquals("[Unit]\nDescription=mine\n", Files.readString(unit()));
        assertEquals(List.of(), ran);

        assertEquals(0, service("Linux", "install", "--force"), out + "" + err);
        assertEquals("replaced " + unit(), lines().get(0));
        assertEquals(List.of(argv("systemctl", "--user", "daemon-reload"), argv("systemctl", "--user", "enable", UNIT),
                argv("systemctl", "--user", "try-restart", UNIT)), ran, "a running gateway restarts with it");
    }

    @Test
    void installingTheSameDefinitionAgainRunsTheCommandsAgain() throws Exception {
        assertEquals(0, service("Linux", "install"));
        ran.clear();
        assertEquals(0, service("Linux", "install"), out + "" + err);
        assertEquals("unchanged " + unit(), lines().get(0));
        assertEquals(List.of(argv("systemctl", "--user", "daemon-reload"), argv("systemctl", "--user", "enable", UNIT)),
                ran);
    }

    @Test
    void aFailedActivationNamesTheCommandItsExitCodeAndItsLastLine() throws Exception {
        answers.put(argv("systemctl", "--user", "daemon-reload"),
                new CommandRunner.Result(1, "Failed to connect to bus: No medium found\n\n"));
        assertEquals(1, service("Linux", "install"));
        assertEquals("portico gateway service: systemctl --user daemon-reload failed with exit code 1: Failed to "
                + "connect to bus: No medium found (the definition stays in " + unit() + "; run install again once that "
                + "is fixed, or uninstall)\n", err.toString());
        assertEquals(List.of(argv("systemctl", "--user", "daemon-reload")), ran, "nothing after the failed command");

        missing.add("systemctl");
        assertEquals(1, service("Linux", "install"));
        assertEquals("portico gateway service: could not run systemctl --user daemon-reload: Cannot run program "
                + "\"systemctl\": error=2, No such file or directory (the definition stays in " + unit() + "; run "
                + "install again once that is fixed, or uninstall)\n", err.toString());
    }

    @Test
    void installOnMacosWritesALaunchAgentAndLoadsIt() throws Exception {
        Path plist = home().resolve("Library/LaunchAgents/dev.portico.gateway.plist");
        answers.put(argv("launchctl", "unload", plist.toString()), new CommandRunner.Result(5, "Unload failed: 5"));
        assertEquals(0, service("Mac OS X", "install"), out + "" + err);
        assertEquals(List.of(argv("launchctl", "unload", plist.toString()), argv("launchctl", "load", "-w",
                plist.toString())), ran);
        assertTrue(Files.readString(plist).contains("<string>launchd</string>"));
        assertTrue(Files.isDirectory(state().resolve("logs")), "launchd opens the log files, not their directory");
        assertEquals("installed and started: launchd starts it when you log in; its output goes to "
                + state().resolve("logs/console.log"), lines().get(lines().size() - 1));
    }

    @Test
    void installOnWindowsWritesATaskAndRegistersIt() throws Exception {
        env.put("USERDOMAIN", "HOST");
        env.put("USERNAME", "me");
        Path xml = state().resolve("service/portico-gateway.xml");
        assertEquals(0, service("Windows 11", "install"), out + "" + err);
        assertEquals(List.of(argv("schtasks", "/Create", "/XML", xml.toString(), "/TN", "Portico Gateway", "/F")), ran);
        byte[] bytes = Files.readAllBytes(xml);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE}, Arrays.copyOf(bytes, 2));
        String text = new String(bytes, StandardCharsets.UTF_16);
        assertTrue(text.contains("<UserId>HOST\\me</UserId>"), text);
        assertTrue(Files.isDirectory(state().resolve("logs")));
    }

    @Test
    void uninstallStopsDisablesAndRemoves() throws Exception {
        assertEquals(0, service("Linux", "install"));
        ran.clear();
        assertEquals(0, service("Linux", "uninstall"), out + "" + err);
        assertEquals(List.of(argv("systemctl", "--user", "disable", "--now", UNIT),
                argv("systemctl", "--user", "daemon-reload")), ran);
        assertEquals(List.of("ran: systemctl --user disable --now " + UNIT, "removed " + unit(),
                "ran: systemctl --user daemon-reload"), lines());
        assertFalse(Files.exists(unit()));

        ran.clear();
        assertEquals(0, service("Linux", "uninstall"));
        assertEquals(List.of("not installed: no " + unit() + "; nothing to remove"), lines());
        assertEquals(List.of(), ran);
    }

    @Test
    void anUninstallThatCannotStopTheServiceKeepsTheDefinition() throws Exception {
        assertEquals(0, service("Linux", "install"));
        answers.put(argv("systemctl", "--user", "disable", "--now", UNIT),
                new CommandRunner.Result(1, "Failed to connect to bus: No medium found"));
        assertEquals(1, service("Linux", "uninstall"));
        assertEquals("portico gateway service: systemctl --user disable --now " + UNIT + " failed with exit code 1: "
                + "Failed to connect to bus: No medium found (the definition stays in " + unit() + ")\n", err.toString());
        assertTrue(Files.exists(unit()));
    }

    @Test
    void uninstallOnMacosAndWindows() throws Exception {
        Path plist = Platform.MACOS.file(home(), state());
        assertEquals(0, service("Mac OS X", "install"));
        ran.clear();
        assertEquals(0, service("Mac OS X", "uninstall"), out + "" + err);
        assertEquals(List.of(argv("launchctl", "unload", "-w", plist.toString())), ran);
        assertFalse(Files.exists(plist));

        assertEquals(0, service("Windows 10", "install"));
        ran.clear();
        answers.put(argv("schtasks", "/End", "/TN", "Portico Gateway"), new CommandRunner.Result(1, "not running"));
        assertEquals(0, service("Windows 10", "uninstall"), out + "" + err);
        assertEquals(List.of(argv("schtasks", "/End", "/TN", "Portico Gateway"),
                argv("schtasks", "/Delete", "/TN", "Portico Gateway", "/F")), ran);
        assertFalse(Files.exists(Platform.WINDOWS.file(home(), state())));
    }

    @Test
    void startStartsTheInstalledService() throws Exception {
        assertEquals(ServiceCommand.NOT_INSTALLED, service("Linux", "start"));
        assertEquals("portico gateway service: not installed: no " + unit() + " (install it with: portico gateway "
                + "service install)\n", err.toString());
        assertEquals(List.of(), ran);

        for (String os : List.of("Linux", "Mac OS X", "Windows 11")) {
            assertEquals(0, service(os, "install"));
            ran.clear();
            assertEquals(0, service(os, "start"), out + "" + err);
            assertEquals(List.of(switch (Platform.fromOsName(os).orElseThrow()) {
                case LINUX -> argv("systemctl", "--user", "start", UNIT);
                case MACOS -> argv("launchctl", "start", "dev.portico.gateway");
                case WINDOWS -> argv("schtasks", "/Run", "/TN", "Portico Gateway");
            }), ran);
            assertEquals("started; see how it goes with: portico gateway service status", lines().get(1));
        }
    }

    @Test
    void statusOfNothingInstalledExitsThree() throws Exception {
        assertEquals(ServiceCommand.NOT_INSTALLED, service("Linux", "status"));
        assertEquals(List.of("not installed: no " + unit() + " (install it with: portico gateway service install)"),
                lines());
        assertEquals(ServiceCommand.NOT_INSTALLED, service("Linux", "status", "--json"));
        JsonObject status = json();
        assertEquals(Json.createObjectBuilder().add("platform", "linux").add("installed", false)
                .add("path", unit().toString()).add("running", false).add("drift", Json.createArrayBuilder()).build(),
                status);
        assertEquals(List.of(), ran);
        assertFalse(Files.exists(state()), "status writes nothing");
    }

    @Test
    void statusOfARunningServiceWithoutDrift() throws Exception {
        assertEquals(0, service("Linux", "install"));
        ran.clear();
        answers.put(argv("systemctl", "--user", "is-active", UNIT), new CommandRunner.Result(0, "active\n"));
        assertEquals(0, service("Linux", "status"), out + "" + err);
        String fingerprint = ServiceDefinition.fingerprint(Optional.of(storedToken()));
        assertEquals(List.of("installed: " + unit(), "running: yes (active)",
                "recorded: portico 1.2.3, token fingerprint " + fingerprint, "drift: none"), lines());
        assertEquals(List.of(argv("systemctl", "--user", "is-active", UNIT)), ran);

        assertEquals(0, service("Linux", "status", "--json"));
        assertEquals(Json.createObjectBuilder().add("platform", "linux").add("installed", true)
                .add("path", unit().toString()).add("running", true).add("drift", Json.createArrayBuilder()).build(),
                json());
    }

    @Test
    void statusReportsANewerPorticoAndAnotherTokenAsDrift() throws Exception {
        assertEquals(0, service("Linux", "install"));
        String installedFingerprint = ServiceDefinition.fingerprint(Optional.of(storedToken()));
        version = "1.3.0";
        Files.writeString(state().resolve("token"), TOKEN + "\n");
        answers.put(argv("systemctl", "--user", "is-active", UNIT), new CommandRunner.Result(3, "failed\n"));
        assertEquals(0, service("Linux", "status"), out + "" + err);
        assertEquals(List.of("installed: " + unit(), "running: no (failed)",
                "recorded: portico 1.2.3, token fingerprint " + installedFingerprint,
                "drift: version: installed by portico 1.2.3, this is portico 1.3.0 (reinstall with: portico gateway "
                        + "service install --force)",
                "drift: token: installed for token " + installedFingerprint + ", the token at hand is "
                        + ServiceDefinition.fingerprint(Optional.of(TOKEN)) + " (fingerprints: the first 8 hex digits "
                        + "of the SHA-256) (reinstall with: portico gateway service install --force)"), lines());

        assertEquals(0, service("Linux", "status", "--json"));
        JsonObject status = json();
        assertEquals(false, status.getBoolean("running"));
        assertEquals(Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("what", "version").add("installed", "1.2.3").add("current", "1.3.0"))
                .add(Json.createObjectBuilder().add("what", "token").add("installed", installedFingerprint)
                        .add("current", ServiceDefinition.fingerprint(Optional.of(TOKEN))))
                .build(), status.getJsonArray("drift"));

        assertEquals(0, service("Linux", "install", "--force"));
        assertEquals(0, service("Linux", "status"));
        assertTrue(lines().contains("drift: none"), out.toString());
    }

    @Test
    void aServiceManagerThatCannotBeAskedLeavesRunningUnknown() throws Exception {
        assertEquals(0, service("Linux", "install", "--token", TOKEN));
        answers.put(argv("systemctl", "--user", "is-active", UNIT),
                new CommandRunner.Result(1, "Failed to connect to bus: No medium found\n"));
        assertEquals(0, service("Linux", "status"));
        assertEquals("running: unknown (Failed to connect to bus: No medium found)", lines().get(1));
        assertEquals(0, service("Linux", "status", "--json"));
        assertTrue(json().isNull("running"), out.toString());
    }

    @Test
    void aDefinitionNotWrittenByPorticoIsDrift() throws Exception {
        Files.createDirectories(unit().getParent());
        Files.writeString(unit(), "[Service]\nExecStart=/usr/bin/portico\n");
        assertEquals(0, service("Linux", "status", "--json"));
        assertEquals("definition", json().getJsonArray("drift").getJsonObject(0).getString("what"));
    }

    @Test
    void statusReadsWhetherItRunsFromEachServiceManager() throws Exception {
        assertEquals(0, service("Mac OS X", "install"));
        answers.put(argv("launchctl", "list", "dev.portico.gateway"), new CommandRunner.Result(0,
                "{\n\t\"LimitLoadToSessionType\" = \"Aqua\";\n\t\"Label\" = \"dev.portico.gateway\";\n"
                        + "\t\"PID\" = 4242;\n};\n"));
        assertEquals(0, service("Mac OS X", "status"));
        assertEquals("running: yes (pid 4242)", lines().get(1));
        answers.put(argv("launchctl", "list", "dev.portico.gateway"), new CommandRunner.Result(0,
                "{\n\t\"Label\" = \"dev.portico.gateway\";\n\t\"LastExitStatus\" = 256;\n};\n"));
        assertEquals(0, service("Mac OS X", "status"));
        assertEquals("running: no (loaded in launchd, not running)", lines().get(1));
        answers.put(argv("launchctl", "list", "dev.portico.gateway"), new CommandRunner.Result(113,
                "Could not find service \"dev.portico.gateway\" in domain for port"));
        assertEquals(0, service("Mac OS X", "status"));
        assertEquals("running: no (not loaded in launchd)", lines().get(1));

        assertEquals(0, service("Windows 11", "install"));
        List<String> query = argv("schtasks", "/Query", "/TN", "Portico Gateway", "/FO", "LIST");
        answers.put(query, new CommandRunner.Result(0, "\r\nFolder: \\\r\nHostName:      HOST\r\n"
                + "TaskName:      \\Portico Gateway\r\nNext Run Time: N/A\r\nStatus:        Running\r\n"
                + "Logon Mode:    Interactive only\r\n"));
        assertEquals(0, service("Windows 11", "status"));
        assertEquals("running: yes (Running)", lines().get(1));
        answers.put(query, new CommandRunner.Result(0, "TaskName:      \\Portico Gateway\r\nStatus:        Ready\r\n"));
        assertEquals(0, service("Windows 11", "status"));
        assertEquals("running: no (Ready)", lines().get(1));

        missing.add("schtasks");
        assertEquals(0, service("Windows 11", "status", "--json"));
        assertTrue(json().isNull("running"), out.toString());
        assertEquals(0, service("Windows 11", "status"));
        assertEquals("running: unknown (could not run schtasks /Query /TN \"Portico Gateway\" /FO LIST: Cannot run "
                + "program \"schtasks\": error=2, No such file or directory)", lines().get(1));
    }

    @Test
    void badCommandLinesExitTwoNamingTheFlag() throws Exception {
        assertEquals(2, service("Linux", "install", "--port", "0"));
        assertEquals("portico gateway service: --port: 0 (expected: 1..65535; clients of a service need a port they "
                + "can find)\n", err.toString());
        assertEquals(2, service("Linux", "install", "--token", "short"));
        assertEquals("portico gateway service: --token: 5 characters (expected: at least 16; leave it unset to have "
                + "one generated)\n", err.toString());
        assertEquals(2, portico("Linux", "gateway", "--port", "9000", "service", "install"));
        assertEquals("portico gateway service: --port: not an option of 'portico gateway service' (expected: options "
                + "after the subcommand, such as: portico gateway service install --port 18790)\n", err.toString());
        assertEquals(2, portico("Linux", "gateway", "service"));
        assertTrue(err.toString().startsWith("portico gateway service: a subcommand is required (expected: install, "
                + "uninstall, start or status)\n"), err.toString());
        assertEquals(2, service("Linux", "restart"));
        assertEquals(List.of(), ran);
        assertFalse(Files.exists(unit()));
    }

    @Test
    void anotherOperatingSystemIsRefused() {
        assertEquals(1, service("FreeBSD", "install"));
        assertEquals("portico gateway service: not supported on FreeBSD (expected: Linux, macOS or Windows)\n",
                err.toString());
        assertFalse(Files.exists(state()));
    }

    @Test
    void theHelpListsTheSubcommands() {
        assertEquals(0, portico("Linux", "gateway", "service", "--help"));
        String help = out.toString();
        for (String sub : List.of("install", "uninstall", "start", "status")) {
            assertTrue(help.contains("  " + sub + " "), help);
        }
        assertEquals(0, portico("Linux", "gateway", "--help"));
        assertTrue(out.toString().contains("service"), out.toString());
    }

    JsonObject json() {
        return Json.createReader(new StringReader(out.toString())).readObject();
    }
}
