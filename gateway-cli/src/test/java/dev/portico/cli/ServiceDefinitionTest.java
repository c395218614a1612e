package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.cli.ServiceDefinition.Inputs;
import dev.portico.cli.ServiceDefinition.Platform;
import dev.portico.cli.ServiceDefinition.Stamp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The service definitions of every platform, generated on whatever platform the test runs on:
 * compared with the files under {@code src/test/resources/service/}, and read back as the service
 * managers would read them.
 */
class ServiceDefinitionTest {
    static final String FINGERPRINT = "9f86d081";
    static final String TOKEN = "a-token-given-to-install-0123456789";

    static Inputs linux() {
        return new Inputs(Platform.LINUX, List.of("/opt/jdk-21/bin/java", "--enable-native-access=ALL-UNNAMED", "-jar",
                "/opt/portico/gateway-cli/target/gateway-cli.jar"), "/home/me/.portico",
                Optional.of("/home/me/portico.json"), OptionalInt.of(18800), Optional.empty(), FINGERPRINT, "1.2.3",
                Optional.empty());
    }

    static Inputs macos() {
        return new Inputs(Platform.MACOS, List.of("/Library/Java/JavaVirtualMachines/jdk-21.jdk/Contents/Home/bin/java",
                "--enable-native-access=ALL-UNNAMED", "-jar", "/Users/me/portico/gateway-cli/target/gateway-cli.jar"),
                "/Users/me/.portico", Optional.empty(), OptionalInt.empty(), Optional.empty(), FINGERPRINT, "1.2.3",
                Optional.empty());
    }

    static Inputs windows() {
        return new Inputs(Platform.WINDOWS, List.of("C:\\Program Files\\Java\\jdk-21\\bin\\java.exe",
                "--enable-native-access=ALL-UNNAMED", "-jar", "C:\\Users\\me\\portico\\gateway-cli\\target\\gateway-cli.jar"),
                "C:\\Users\\me\\.portico", Optional.empty(), OptionalInt.of(18800), Optional.empty(), FINGERPRINT,
                "1.2.3", Optional.of("HOST\\me"));
    }

    static Inputs inputs(Platform p) {
        return switch (p) {
            case LINUX -> linux();
            case MACOS -> macos();
            case WINDOWS -> windows();
        };
    }

    static Inputs with(Inputs in, String stateDir, Optional<String> config, Optional<String> token) {
        return new Inputs(in.platform(), in.launcher(), stateDir, config, in.port(), token, in.tokenFingerprint(),
                in.version(), in.user());
    }

    static String golden(Platform p) throws IOException {
        String name = switch (p) {
            case LINUX -> "linux.service";
            case MACOS -> "macos.plist";
            case WINDOWS -> "windows.xml";
        };
        try (InputStream in = ServiceDefinitionTest.class.getResourceAsStream("/service/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void theDefinitionIsTheGoldenFile(Platform p) throws IOException {
        assertEquals(golden(p), ServiceDefinition.text(inputs(p)));
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void theDefinitionRecordsTheVersionAndTheTokenFingerprint(Platform p) throws IOException {
        assertEquals(Optional.of(new Stamp("1.2.3", FINGERPRINT)), Stamp.read(golden(p)));
        assertEquals(Optional.empty(), Stamp.read("[Unit]\nDescription=something else\n"));
    }

    @Test
    void theSystemdUnitRestartsAlwaysButNotAfterAnIntentionalExit() throws IOException {
        List<String> lines = golden(Platform.LINUX).lines().toList();
        assertTrue(lines.contains("Restart=always"), lines.toString());
        assertTrue(lines.contains("RestartSec=5"), lines.toString());
        assertTrue(lines.contains("RestartPreventExitStatus=" + ServiceDefinition.INTENTIONAL_EXIT), lines.toString());
        assertTrue(lines.contains("Environment=PORTICO_SERVICE_MARKER=systemd"), lines.toString());
        assertTrue(lines.contains("ExecStart=/opt/jdk-21/bin/java --enable-native-access=ALL-UNNAMED -jar "
                + "/opt/portico/gateway-cli/target/gateway-cli.jar gateway --state-dir /home/me/.portico --config "
                + "/home/me/portico.json --port 18800"), lines.toString());
    }

    @Test
    void theLaunchAgentRunsTheCommandWithTheMarkerAndKeepsItAliveAfterAFailure() throws Exception {
        Element plist = plist(ServiceDefinition.text(macos()));
        assertEquals(ServiceDefinition.command(macos()), strings(value(plist, "ProgramArguments")));
        Element env = value(plist, "EnvironmentVariables");
        assertEquals("launchd", value(env, "PORTICO_SERVICE_MARKER").getTextContent());
        assertEquals("false", value(value(plist, "KeepAlive"), "SuccessfulExit").getTagName());
        assertEquals("10", value(plist, "ThrottleInterval").getTextContent());
        assertEquals("/Users/me/.portico/logs/console.log", value(plist, "StandardOutPath").getTextContent());
        assertEquals("/Users/me/.portico/logs/console.log", value(plist, "StandardErrorPath").getTextContent());
    }

    @Test
    void theTaskStartsAtLogonAndRestartsAfterAFailure() throws Exception {
        Document task = xml(Platform.WINDOWS.encode(ServiceDefinition.text(windows())));
        assertEquals("HOST\\me", text(task, "LogonTrigger", "UserId"));
        assertEquals("PT1M", text(task, "RestartOnFailure", "Interval"));
        assertEquals("cmd.exe", text(task, "Exec", "Command"));
        assertEquals("/d /s /c \"set \"PORTICO_SERVICE_MARKER=schtasks\" && \"C:\\Program Files\\Java\\jdk-21\\bin\\java.exe\""
                + " --enable-native-access=ALL-UNNAMED -jar C:\\Users\\me\\portico\\gateway-cli\\target\\gateway-cli.jar "
                + "gateway --state-dir C:\\Users\\me\\.portico --port 18800 >> C:\\Users\\me\\.portico\\logs\\console.log "
                + "2>&1\"", text(task, "Exec", "Arguments"));
        assertEquals("C:\\Users\\me\\.portico", text(task, "Exec", "WorkingDirectory"));
    }

    @Test
    void theTaskFileIsUtf16WithAByteOrderMarkAsItsDeclarationSays() {
        String text = ServiceDefinition.text(windows());
        assertTrue(text.startsWith("<?xml version=\"1.0\" encoding=\"UTF-16\"?>"), text);
        byte[] bytes = Platform.WINDOWS.encode(text);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE, '<', 0}, Arrays.copyOf(bytes, 4));
        assertEquals(text, Platform.WINDOWS.decode(bytes));
        assertEquals("ä", Platform.LINUX.decode(Platform.LINUX.encode("ä")));
        assertEquals(2, Platform.MACOS.encode("ä").length);
    }

    @Test
    void systemdQuotesPathsWithSpacesAndEscapesSpecifiersAndVariables() {
        Inputs in = with(linux(), "/home/me/my state & <dir>", Optional.of("/home/me/100% \"$HOME\\x\".json"),
                Optional.empty());
        List<String> lines = ServiceDefinition.text(in).lines().toList();
        assertTrue(lines.contains("ExecStart=/opt/jdk-21/bin/java --enable-native-access=ALL-UNNAMED -jar "
                + "/opt/portico/gateway-cli/target/gateway-cli.jar gateway --state-dir \"/home/me/my state & <dir>\" "
                + "--config \"/home/me/100%% \\\"$$HOME\\\\x\\\".json\" --port 18800"), lines.toString());
        assertTrue(lines.contains("WorkingDirectory=/home/me/my state & <dir>"), lines.toString());
        Inputs percent = with(linux(), "/home/me/50%", Optional.empty(), Optional.empty());
        assertTrue(ServiceDefinition.text(percent).lines().toList().contains("WorkingDirectory=/home/me/50%%"));
    }

    @Test
    void thePropertyListEscapesEveryValue() throws Exception {
        Inputs in = with(macos(), "/Users/me/my state & <dir>", Optional.of("/Users/me/a&b<c>.json"),
                Optional.of(TOKEN + "&<>"));
        String text = ServiceDefinition.text(in);
        assertTrue(text.contains("<string>/Users/me/my state &amp; &lt;dir&gt;</string>"), text);
        Element plist = plist(text);
        assertEquals(ServiceDefinition.command(in), strings(value(plist, "ProgramArguments")));
        assertEquals("/Users/me/my state & <dir>", value(plist, "WorkingDirectory").getTextContent());
        assertEquals("/Users/me/my state & <dir>/logs/console.log", value(plist, "StandardOutPath").getTextContent());
        assertEquals(TOKEN + "&<>", value(value(plist, "EnvironmentVariables"), "PORTICO_GATEWAY_TOKEN")
                .getTextContent());
    }

    @Test
    void theTaskQuotesAndEscapesPathsAndRefusesWhatCmdWouldChange() throws Exception {
        Inputs in = with(windows(), "C:\\Users\\me\\my state & <dir>\\", Optional.of("D:\\a&b\\c.json"),
                Optional.empty());
        String text = ServiceDefinition.text(in);
        assertTrue(text.contains("\"C:\\Users\\me\\my state &amp; &lt;dir&gt;\\\\\""), text);
        Document task = xml(Platform.WINDOWS.encode(text));
        String arguments = text(task, "Exec", "Arguments");
        assertTrue(arguments.contains(" --state-dir \"C:\\Users\\me\\my state & <dir>\\\\\" --config "
                + "\"D:\\a&b\\c.json\" "), arguments);
        assertTrue(arguments.endsWith(" >> \"C:\\Users\\me\\my state & <dir>\\logs\\console.log\" 2>&1\""), arguments);
        assertEquals("C:\\Users\\me\\my state & <dir>\\", text(task, "Exec", "WorkingDirectory"));

        IllegalArgumentException percent = assertThrows(IllegalArgumentException.class,
                () -> with(windows(), "C:\\Users\\%USERNAME%", Optional.empty(), Optional.empty()));
        assertTrue(percent.getMessage().startsWith("--state-dir: contains \" or %"), percent.getMessage());
        IllegalArgumentException quote = assertThrows(IllegalArgumentException.class,
                () -> with(windows(), "C:\\x", Optional.empty(), Optional.of("tok\"en-0123456789abcdef")));
        assertTrue(quote.getMessage().startsWith("--token: contains \" or %"), quote.getMessage());
        assertFalse(quote.getMessage().contains("tok\"en"), "the message never shows the token");
    }

    @Test
    void aLineBreakCannotGoIntoAnyDefinition() {
        for (Platform p : Platform.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> with(inputs(p), "/home/me/a\nb", Optional.empty(), Optional.empty()));
            assertEquals("--state-dir: contains a control character such as a line break (expected: one line)",
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void theTokenGoesIntoTheDefinitionOnlyWhenGiven(Platform p) {
        Inputs without = inputs(p);
        String text = ServiceDefinition.text(without);
        assertFalse(text.contains("PORTICO_GATEWAY_TOKEN"), text);

        Inputs given = with(without, without.stateDir(), Optional.empty(), Optional.of(TOKEN));
        String withToken = ServiceDefinition.text(given);
        String expected = switch (p) {
            case LINUX -> "\nEnvironment=PORTICO_GATEWAY_TOKEN=" + TOKEN + "\n";
            case MACOS -> "    <key>PORTICO_GATEWAY_TOKEN</key>\n    <string>" + TOKEN + "</string>\n";
            case WINDOWS -> "set \"PORTICO_GATEWAY_TOKEN=" + TOKEN + "\" &amp;&amp; ";
        };
        assertTrue(withToken.contains(expected), withToken);
        assertFalse(ServiceDefinition.command(given).contains(TOKEN), "never on the command line");
        assertEquals(Stamp.read(text), Stamp.read(withToken));
    }

    @Test
    void aTokenWithSpacesIsQuotedForSystemd() {
        Inputs in = with(linux(), linux().stateDir(), Optional.empty(), Optional.of("a token with \"spaces\" 100%"));
        assertTrue(ServiceDefinition.text(in).lines().toList()
                .contains("Environment=\"PORTICO_GATEWAY_TOKEN=a token with \\\"spaces\\\" 100%%\""));
    }

    @Test
    void theFingerprintIsTheStartOfTheSha256() {
        assertEquals("9f86d081", ServiceDefinition.fingerprint(Optional.of("test")));
        assertEquals(ServiceDefinition.NO_CREDENTIAL, ServiceDefinition.fingerprint(Optional.empty()));
    }

    @Test
    void aVersionIsRecordedSoThatItCannotEndItsComment() {
        assertEquals("1.2.3-SNAPSHOT", ServiceDefinition.recordedVersion("1.2.3-SNAPSHOT"));
        assertEquals("1.2_-_x", ServiceDefinition.recordedVersion("1.2 -- x"));
        Inputs in = new Inputs(Platform.MACOS, macos().launcher(), "/s", Optional.empty(), OptionalInt.empty(),
                Optional.empty(), "none", "1.0 -->", Optional.empty());
        assertEquals(Optional.of(new Stamp("1.0_-_", "none")), Stamp.read(ServiceDefinition.text(in)));
    }

    @Test
    void thePlatformFollowsOsName() {
        assertEquals(Optional.of(Platform.LINUX), Platform.fromOsName("Linux"));
        assertEquals(Optional.of(Platform.MACOS), Platform.fromOsName("Mac OS X"));
        assertEquals(Optional.of(Platform.WINDOWS), Platform.fromOsName("Windows 11"));
        assertEquals(Optional.empty(), Platform.fromOsName("FreeBSD"));
        assertEquals(Optional.empty(), Platform.fromOsName(null));
    }

    @Test
    void eachPlatformKeepsTheDefinitionWhereItsServiceManagerLooks() {
        Path home = Path.of("/home/me");
        Path state = Path.of("/srv/portico");
        assertEquals(Path.of("/home/me/.config/systemd/user/portico-gateway.service"),
                Platform.LINUX.file(home, state));
        assertEquals(Path.of("/home/me/Library/LaunchAgents/dev.portico.gateway.plist"),
                Platform.MACOS.file(home, state));
        assertEquals(Path.of("/srv/portico/service/portico-gateway.xml"), Platform.WINDOWS.file(home, state));
    }

    /** The top-level dict of a property list, parsed without fetching its DTD. */
    static Element plist(String text) throws Exception {
        Document doc = xml(text.getBytes(StandardCharsets.UTF_8));
        assertEquals("plist", doc.getDocumentElement().getTagName());
        return child(doc.getDocumentElement(), 0);
    }

    static Document xml(byte[] bytes) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    private static String text(Document doc, String parent, String name) {
        Element p = (Element) doc.getElementsByTagName(parent).item(0);
        return p.getElementsByTagName(name).item(0).getTextContent();
    }

    /** The value that follows {@code <key>name</key>} in a dict. */
    private static Element value(Element dict, String key) {
        List<Element> children = children(dict);
        for (int i = 0; i < children.size() - 1; i++) {
            if (children.get(i).getTagName().equals("key") && children.get(i).getTextContent().equals(key)) {
                return children.get(i + 1);
            }
        }
        throw new AssertionError("no key " + key);
    }

    private static List<String> strings(Element array) {
        return children(array).stream().map(Element::getTextContent).toList();
    }

    private static Element child(Element e, int index) {
        return children(e).get(index);
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element el) {
                out.add(el);
            }
        }
        return out;
    }
}
