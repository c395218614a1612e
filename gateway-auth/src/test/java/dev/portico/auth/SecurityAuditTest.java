package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.auth.SecurityAudit.Finding;
import dev.portico.auth.SecurityAudit.Settings;
import dev.portico.auth.SecurityAudit.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityAuditTest {
    @TempDir
    Path dir;

    /** A configuration with nothing to report. */
    private static Settings clean() {
        return new Settings("127.0.0.1", "token", false, 43, List.of("https://console.example.com"), false, true,
                Optional.empty(), Optional.empty());
    }

    private static Settings with(String bindHost, String authMode) {
        Settings c = clean();
        return new Settings(bindHost, authMode, c.tokenGenerated(), c.tokenLength(), c.corsOrigins(),
                c.allowQueryToken(), c.failedAuthLimitEnabled(), c.stateDir(), c.tokenFile());
    }

    private static List<String> ids(List<Finding> findings) {
        return findings.stream().map(Finding::id).toList();
    }

    private static Finding only(Settings settings, String id) {
        List<Finding> findings = SecurityAudit.run(settings);
        assertEquals(List.of(id), ids(findings), findings.toString());
        return findings.get(0);
    }

    private void assumePosix() {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
    }

    @Test
    void aCleanConfigurationHasNoFindings() {
        List<Finding> findings = SecurityAudit.run(clean());
        assertEquals(List.of(), findings);
        assertFalse(SecurityAudit.hasCritical(findings));
        assertEquals("no findings", SecurityAudit.toText(findings));
        assertEquals("[]", SecurityAudit.toJson(findings));
    }

    @Test
    void aCleanConfigurationWithOwnerOnlyStateHasNoFindings() throws Exception {
        assumePosix();
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path token = Files.writeString(state.resolve("token"), "x".repeat(43));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), c.authMode(), false, 43, c.corsOrigins(), false, true,
                Optional.of(state), Optional.of(token));
        assertEquals(List.of(), SecurityAudit.run(settings));
    }

    // ---- gateway.bind_no_auth and gateway.auth_disabled

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "", "192.168.1.20", "10.0.0.1", "gateway.example", "::2",
            "128.0.0.1", "127.0.0.256", "127.1", "localhost.example"})
    void noAuthBeyondLoopbackIsCritical(String host) {
        Finding f = only(with(host, "none"), "gateway.bind_no_auth");
        assertEquals(Severity.CRITICAL, f.severity());
        assertTrue(f.message().contains("auth mode none"), f.message());
        assertTrue(SecurityAudit.hasCritical(List.of(f)));
    }

    @Test
    void theBindNoAuthMessageSaysEveryInterfaceForTheWildcardAddress() {
        assertTrue(only(with("0.0.0.0", "none"), "gateway.bind_no_auth").message().contains("every interface (0.0.0.0)"));
        assertTrue(only(with("::", "none"), "gateway.bind_no_auth").message().contains("every interface (::)"));
        String specific = only(with("192.168.1.20", "none"), "gateway.bind_no_auth").message();
        assertTrue(specific.contains("listens on 192.168.1.20"), specific);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost",
            "LOCALHOST", " localhost "})
    void noAuthOnLoopbackIsAWarning(String host) {
        Finding f = only(with(host, "none"), "gateway.auth_disabled");
        assertEquals(Severity.WARN, f.severity());
        assertFalse(SecurityAudit.hasCritical(List.of(f)));
    }

    @Test
    void loopbackAndAllInterfacesRules() {
        for (String h : List.of("127.0.0.1", "127.9.8.7", "::1", "[::1]", "localhost", "Localhost")) {
            assertTrue(SecurityAudit.isLoopback(h), h);
            assertFalse(SecurityAudit.isAllInterfaces(h), h);
        }
        for (String h : List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "")) {
            assertTrue(SecurityAudit.isAllInterfaces(h), h);
            assertFalse(SecurityAudit.isLoopback(h), h);
        }
        for (String h : List.of("192.168.0.1", "126.0.0.1", "128.0.0.1", "::2", "fe80::1", "example.com", "127.0.0",
                "127.0.0.1.5", "0.0.0.1", ":::", "[::1")) {
            assertFalse(SecurityAudit.isLoopback(h), h);
            assertFalse(SecurityAudit.isAllInterfaces(h), h);
        }
    }

    @Test
    void authOnDoesNotTriggerTheNoAuthFindings() {
        assertEquals(List.of(), SecurityAudit.run(with("0.0.0.0", "token")));
        assertEquals(List.of(), SecurityAudit.run(with("0.0.0.0", "password")));
        assertEquals(List.of(), SecurityAudit.run(with("0.0.0.0", "TOKEN")));
    }

    // ---- token findings

    @Test
    void aShortTokenIsCritical() {
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 15, c.corsOrigins(), false, true,
                Optional.empty(), Optional.empty());
        Finding f = only(settings, "gateway.token_too_short");
        assertEquals(Severity.CRITICAL, f.severity());
        assertTrue(f.message().contains("15 characters"), f.message());

        Settings sixteen = new Settings(c.bindHost(), "token", false, 16, c.corsOrigins(), false, true,
                Optional.empty(), Optional.empty());
        assertEquals(List.of(), SecurityAudit.run(sixteen));
        Settings password = new Settings(c.bindHost(), "password", false, 8, c.corsOrigins(), false, true,
                Optional.empty(), Optional.empty());
        assertEquals(List.of(), SecurityAudit.run(password), "the token length matters in token mode only");
    }

    @Test
    void aGeneratedTokenIsInformation() {
        Settings c = clean();
        Path file = dir.resolve("token");
        Settings settings = new Settings(c.bindHost(), "token", true, 43, c.corsOrigins(), false, true,
                Optional.empty(), Optional.of(file));
        Finding f = only(settings, "gateway.token_generated");
        assertEquals(Severity.INFO, f.severity());
        assertTrue(f.message().contains(file.toString()), f.message());
        assertFalse(SecurityAudit.hasCritical(List.of(f)));
    }

    // ---- browser and transport findings

    @Test
    void aCorsWildcardIsAWarning() {
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), c.authMode(), false, 43,
                List.of("https://console.example.com", " * "), false, true, Optional.empty(), Optional.empty());
        assertEquals(Severity.WARN, only(settings, "gateway.cors_wildcard").severity());
    }

    @Test
    void aQueryTokenIsAWarning() {
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), c.authMode(), false, 43, c.corsOrigins(), true, true,
                Optional.empty(), Optional.empty());
        assertEquals(Severity.WARN, only(settings, "gateway.query_token_enabled").severity());
    }

    @Test
    void noFailedAuthLimitIsAWarningWhenAuthIsOn() {
        Settings c = clean();
        for (String mode : List.of("token", "password")) {
            Settings settings = new Settings(c.bindHost(), mode, false, 43, c.corsOrigins(), false, false,
                    Optional.empty(), Optional.empty());
            assertEquals(Severity.WARN, only(settings, "gateway.auth_no_rate_limit").severity());
        }
        Settings none = new Settings(c.bindHost(), "none", false, 0, c.corsOrigins(), false, false,
                Optional.empty(), Optional.empty());
        assertEquals(List.of("gateway.auth_disabled"), ids(SecurityAudit.run(none)));
    }

    // ---- state.permissions

    @Test
    void aTokenFileReadableByOthersIsCritical() throws Exception {
        assumePosix();
        Path token = Files.writeString(dir.resolve("token"), "x".repeat(43));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 43, c.corsOrigins(), false, true,
                Optional.empty(), Optional.of(token));
        Finding f = only(settings, "state.permissions");
        assertEquals(Severity.CRITICAL, f.severity());
        assertEquals("the token file " + token + " is readable by group and others (rw-r--r--)", f.message());
        assertEquals("chmod 600 " + token, f.remedy());
    }

    @Test
    void aStateDirectoryWritableByGroupIsCritical() throws Exception {
        assumePosix();
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 43, c.corsOrigins(), false, true,
                Optional.of(state), Optional.empty());
        Finding f = only(settings, "state.permissions");
        assertEquals("the state directory " + state + " is readable by group and writable by group (rwxrwx---)",
                f.message());
        assertEquals("chmod 700 " + state, f.remedy());
    }

    @Test
    void eachExposedPathIsOneFinding() throws Exception {
        assumePosix();
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx---rwx"));
        Path token = Files.writeString(state.resolve("token"), "x".repeat(43));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-----w-"));
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 43, c.corsOrigins(), false, true,
                Optional.of(state), Optional.of(token));
        List<Finding> findings = SecurityAudit.run(settings);
        assertEquals(List.of("state.permissions", "state.permissions"), ids(findings));
        assertTrue(findings.get(0).message().contains("readable by others and writable by others"));
        assertTrue(findings.get(1).message().contains(" is writable by others (rw-----w-)"));
    }

    @Test
    void executeOnlyAccessForOthersIsNotAFinding() throws Exception {
        assumePosix();
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx--x--x"));
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 43, c.corsOrigins(), false, true,
                Optional.of(state), Optional.empty());
        assertEquals(List.of(), SecurityAudit.run(settings));
    }

    @Test
    void missingPathsAreSkipped() {
        Settings c = clean();
        Settings settings = new Settings(c.bindHost(), "token", false, 43, c.corsOrigins(), false, true,
                Optional.of(dir.resolve("absent")), Optional.of(dir.resolve("absent/token")));
        assertEquals(List.of(), SecurityAudit.run(settings));
    }

    // ---- ordering and output

    @Test
    void findingsComeCriticalFirst() {
        Settings settings = new Settings("0.0.0.0", "none", true, 0, List.of("*"), true, false,
                Optional.empty(), Optional.empty());
        List<Finding> findings = SecurityAudit.run(settings);
        assertEquals(List.of("gateway.bind_no_auth", "gateway.cors_wildcard", "gateway.query_token_enabled"),
                ids(findings));
        assertTrue(SecurityAudit.hasCritical(findings));

        Settings tokenMode = new Settings("127.0.0.1", "token", true, 8, List.of("*"), true, false,
                Optional.empty(), Optional.empty());
        assertEquals(List.of("gateway.token_too_short", "gateway.cors_wildcard", "gateway.query_token_enabled",
                "gateway.auth_no_rate_limit", "gateway.token_generated"), ids(SecurityAudit.run(tokenMode)));
    }

    @Test
    void severitiesHaveLowerCaseWireNames() {
        assertEquals("critical", Severity.CRITICAL.wireName());
        assertEquals("warn", Severity.WARN.wireName());
        assertEquals("info", Severity.INFO.wireName());
    }

    @Test
    void textHasOneLinePerFinding() {
        List<Finding> findings = List.of(
                new Finding("gateway.bind_no_auth", Severity.CRITICAL, "open to all", "bind to 127.0.0.1"),
                new Finding("gateway.token_generated", Severity.INFO, "generated", "nothing"));
        assertEquals("CRITICAL gateway.bind_no_auth: open to all (fix: bind to 127.0.0.1)\n"
                + "INFO gateway.token_generated: generated (fix: nothing)", SecurityAudit.toText(findings));
    }

    @Test
    void jsonHasTheFourFieldsWithWireSeverities() {
        List<Finding> findings = List.of(
                new Finding("gateway.cors_wildcard", Severity.WARN, "any page", "list origins"),
                new Finding("gateway.token_generated", Severity.INFO, "generated", "read it"));
        assertEquals("[{\"id\":\"gateway.cors_wildcard\",\"severity\":\"warn\",\"message\":\"any page\","
                + "\"remedy\":\"list origins\"},{\"id\":\"gateway.token_generated\",\"severity\":\"info\","
                + "\"message\":\"generated\",\"remedy\":\"read it\"}]", SecurityAudit.toJson(findings));
    }

    @Test
    void jsonEscapesStrings() {
        Finding f = new Finding("x.y", Severity.CRITICAL,
                "quote \" backslash \\ newline \n tab \t cr \r bell \u0007 del \u007f sep \u2028 é 🌍",
                "lone \ud800 surrogate, C:\\state\\token");
        assertEquals("[{\"id\":\"x.y\",\"severity\":\"critical\","
                + "\"message\":\"quote \\\" backslash \\\\ newline \\n tab \\t cr \\r bell \\u0007 del \u007f sep \\u2028 é 🌍\","
                + "\"remedy\":\"lone \\ud800 surrogate, C:\\\\state\\\\token\"}]", SecurityAudit.toJson(List.of(f)));
    }

    @Test
    void auditOutputForRealFindingsIsConsistent() {
        Settings settings = new Settings("0.0.0.0", "none", false, 0, List.of(), false, true,
                Optional.empty(), Optional.empty());
        List<Finding> findings = SecurityAudit.run(settings);
        String text = SecurityAudit.toText(findings);
        assertTrue(text.startsWith("CRITICAL gateway.bind_no_auth: "), text);
        assertTrue(text.endsWith(" (fix: bind to 127.0.0.1, or set the auth mode to token)"), text);
        assertTrue(SecurityAudit.toJson(findings).startsWith("[{\"id\":\"gateway.bind_no_auth\",\"severity\":\"critical\""));
    }

    // ---- validation

    @Test
    void settingsAreValidated() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> with("127.0.0.1", "oauth"));
        assertEquals("authMode: oauth (expected: token, password or none)", mode.getMessage());
        assertEquals("none", with("127.0.0.1", " None ").authMode());
        assertThrows(IllegalArgumentException.class, () -> new Settings("127.0.0.1", "token", false, -1, List.of(),
                false, true, Optional.empty(), Optional.empty()));
        assertThrows(NullPointerException.class, () -> new Settings(null, "token", false, 43, List.of(),
                false, true, Optional.empty(), Optional.empty()));
        assertThrows(NullPointerException.class, () -> new Settings("127.0.0.1", "token", false, 43, null,
                false, true, Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Finding(" ", Severity.INFO, "m", "r"));
        assertThrows(NullPointerException.class, () -> new Finding("a.b", null, "m", "r"));
    }
}
