package dev.portico.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Portico as a service of the operating system: a systemd user unit on Linux, a LaunchAgent on
 * macOS, a Task Scheduler task on Windows. The text of a definition depends on its {@link Inputs}
 * alone, never on the host it is generated on, so every platform's definition can be checked on
 * any of them.
 *
 * <p>Every definition records the Portico version and a fingerprint of the token it was written
 * for, in comments {@code portico-version: …} and {@code portico-token-fingerprint: …}, so that
 * {@code portico gateway service status} can tell when the installed service has drifted from the
 * Portico and the token at hand.
 */
final class ServiceDefinition {
    /**
     * The exit code of a gateway that stopped on purpose and is not to be restarted: systemd's
     * {@code RestartPreventExitStatus}. 78 is {@code EX_CONFIG} of {@code sysexits.h}.
     */
    static final int INTENTIONAL_EXIT = 78;
    /** The variable that tells the gateway which service manager runs it. */
    static final String MARKER_VARIABLE = "PORTICO_SERVICE_MARKER";
    /** The variable that carries a token given to {@code install --token}. */
    static final String TOKEN_VARIABLE = "PORTICO_GATEWAY_TOKEN";
    /** The systemd unit's name. */
    static final String UNIT = "portico-gateway.service";
    /** The LaunchAgent's label. */
    static final String LABEL = "dev.portico.gateway";
    /** The scheduled task's name. */
    static final String TASK = "Portico Gateway";
    /** What a definition records for a gateway that takes no credential (auth mode none). */
    static final String NO_CREDENTIAL = "none";

    private static final String VERSION_KEY = "portico-version";
    private static final String FINGERPRINT_KEY = "portico-token-fingerprint";
    private static final Pattern STAMP = Pattern.compile("(" + VERSION_KEY + "|" + FINGERPRINT_KEY + "): (\\S+)");
    private static final String WRITTEN_BY = "Written by 'portico gateway service install'; "
            + "'portico gateway service status' compares the two lines below with the Portico and the token at hand.";

    private ServiceDefinition() {}

    /** The operating systems Portico can be installed on as a service, and what each runs it with. */
    enum Platform {
        /** A systemd user unit. */
        LINUX("linux", "systemd"),
        /** A launchd LaunchAgent. */
        MACOS("macos", "launchd"),
        /** A Task Scheduler task. */
        WINDOWS("windows", "schtasks");

        private final String id;
        private final String marker;

        Platform(String id, String marker) {
            this.id = id;
            this.marker = marker;
        }

        /**
         * The platform of an {@code os.name}.
         *
         * @param osName such as {@code Linux}, {@code Mac OS X} or {@code Windows 11}
         * @return the platform, or empty for another operating system
         */
        static Optional<Platform> fromOsName(String osName) {
            String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
            if (os.startsWith("linux")) {
                return Optional.of(LINUX);
            } else if (os.startsWith("mac") || os.startsWith("darwin")) {
                return Optional.of(MACOS);
            } else if (os.startsWith("windows")) {
                return Optional.of(WINDOWS);
            }
            return Optional.empty();
        }

        /**
         * The platform's name in status output.
         *
         * @return {@code linux}, {@code macos} or {@code windows}
         */
        String id() {
            return id;
        }

        /**
         * The value of {@value ServiceDefinition#MARKER_VARIABLE} in the service's environment.
         *
         * @return {@code systemd}, {@code launchd} or {@code schtasks}
         */
        String marker() {
            return marker;
        }

        /**
         * Where the definition is written.
         *
         * @param home the user's home directory
         * @param stateDir the gateway's state directory
         * @return {@code ~/.config/systemd/user/portico-gateway.service},
         *     {@code ~/Library/LaunchAgents/dev.portico.gateway.plist} or
         *     {@code <state dir>/service/portico-gateway.xml}
         */
        Path file(Path home, Path stateDir) {
            return switch (this) {
                case LINUX -> home.resolve(".config").resolve("systemd").resolve("user").resolve(UNIT);
                case MACOS -> home.resolve("Library").resolve("LaunchAgents").resolve(LABEL + ".plist");
                case WINDOWS -> stateDir.resolve("service").resolve("portico-gateway.xml");
            };
        }

        /**
         * The bytes of a definition's file: UTF-16 little-endian with a byte order mark for Task
         * Scheduler, as it exports tasks itself, else UTF-8.
         *
         * @param text the definition
         * @return the file's content
         */
        byte[] encode(String text) {
            return this == WINDOWS ? ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE)
                    : text.getBytes(StandardCharsets.UTF_8);
        }

        /**
         * The text of a definition's file, as {@link #encode} writes it.
         *
         * @param bytes the file's content
         * @return the definition
         */
        String decode(byte[] bytes) {
            return new String(bytes, this == WINDOWS ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
        }

        private String separator() {
            return this == WINDOWS ? "\\" : "/";
        }
    }

    /**
     * What a definition is made from. Paths are strings in the platform's own form, so that a
     * Windows definition can be made on Linux and the other way round.
     *
     * @param platform the platform
     * @param launcher the program and the arguments that start the {@code portico} CLI, such as
     *     {@code [/usr/lib/jvm/jdk-21/bin/java, --enable-native-access=ALL-UNNAMED, -jar,
     *     /opt/portico/gateway-cli.jar]}
     * @param stateDir the state directory, absolute
     * @param config the config file given to {@code install --config}, absolute; empty to let the
     *     gateway read {@code <state dir>/config.json} when it exists
     * @param port the port given to {@code install --port}; empty for the config file's or the default
     * @param token the token given to {@code install --token}, which the definition then carries;
     *     empty to leave the token where the gateway finds it (config file or token file)
     * @param tokenFingerprint {@link #fingerprint} of the credential the service will use
     * @param version the Portico version
     * @param user the Windows account the task runs as and whose logon starts it, such as
     *     {@code HOST\me}; empty for the account that registers it
     * @throws IllegalArgumentException naming the flag or the path that cannot go into a definition
     */
    record Inputs(Platform platform, List<String> launcher, String stateDir, Optional<String> config,
            OptionalInt port, Optional<String> token, String tokenFingerprint, String version, Optional<String> user) {
        Inputs {
            launcher = List.copyOf(launcher);
            if (launcher.isEmpty()) {
                throw new IllegalArgumentException("launcher: empty (expected: the program that runs portico)");
            }
            for (String arg : launcher) {
                check("the launcher argument \"" + arg + "\"", arg, platform);
            }
            check("--state-dir", stateDir, platform);
            config.ifPresent(c -> check("--config", c, platform));
            token.ifPresent(t -> check("--token", t, platform));
            user.ifPresent(u -> check("user", u, platform));
            check("version", version, platform);
        }

        private static void check(String what, String value, Platform platform) {
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(what + ": contains a control character such as a line break "
                        + "(expected: one line)");
            }
            if (platform == Platform.WINDOWS && (value.contains("\"") || value.contains("%"))) {
                // cmd.exe runs the task's command line: it would end a quoted argument at " and expand %NAME%.
                throw new IllegalArgumentException(what + ": contains \" or %, which the task's command line cannot "
                        + "carry (expected: a value without them)");
            }
        }
    }

    /**
     * The version and token fingerprint a definition records.
     *
     * @param version the Portico version it was written by
     * @param tokenFingerprint the fingerprint of the credential it was written for
     */
    record Stamp(String version, String tokenFingerprint) {
        /**
         * Reads what a definition records.
         *
         * @param text the definition's text
         * @return the stamp, or empty when the text lacks either line (not written by Portico)
         */
        static Optional<Stamp> read(String text) {
            String version = null;
            String fingerprint = null;
            Matcher m = STAMP.matcher(text);
            while (m.find()) {
                if (m.group(1).equals(VERSION_KEY) && version == null) {
                    version = m.group(2);
                } else if (m.group(1).equals(FINGERPRINT_KEY) && fingerprint == null) {
                    fingerprint = m.group(2);
                }
            }
            return version == null || fingerprint == null ? Optional.empty()
                    : Optional.of(new Stamp(version, fingerprint));
        }
    }

    /**
     * A short fingerprint of a credential, for telling two apart without showing either: the first
     * 8 hex digits of its SHA-256.
     *
     * @param secret the token or password; empty when the gateway takes none
     * @return such as {@code 9f86d081}, or {@value #NO_CREDENTIAL}
     */
    static String fingerprint(Optional<String> secret) {
        if (secret.isEmpty()) {
            return NO_CREDENTIAL;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.get().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * What version a definition records for a version string: the same, with any character that
     * could end the comment it stands in replaced.
     *
     * @param version the Portico version
     * @return the version as recorded
     */
    static String recordedVersion(String version) {
        String v = version.replaceAll("[^A-Za-z0-9._+-]", "_").replaceAll("-{2,}", "-");
        return v.isEmpty() ? "unknown" : v;
    }

    /**
     * The command line the service runs: the launcher, then {@code gateway --state-dir DIR},
     * {@code --config FILE} and {@code --port N} when given.
     *
     * @param in the inputs
     * @return the program and its arguments
     */
    static List<String> command(Inputs in) {
        List<String> argv = new ArrayList<>(in.launcher());
        argv.add("gateway");
        argv.add("--state-dir");
        argv.add(in.stateDir());
        in.config().ifPresent(c -> {
            argv.add("--config");
            argv.add(c);
        });
        in.port().ifPresent(p -> {
            argv.add("--port");
            argv.add(Integer.toString(p));
        });
        return argv;
    }

    /**
     * Where the gateway's output goes on macOS and Windows; on Linux it goes to the journal.
     *
     * @param in the inputs
     * @return {@code <state dir>/logs/console.log} (the JSON log, {@code gateway.log}, is the gateway's own)
     */
    static String logFile(Inputs in) {
        String sep = in.platform().separator();
        return in.stateDir() + (in.stateDir().endsWith(sep) ? "" : sep) + "logs" + sep + "console.log";
    }

    /**
     * The definition's text.
     *
     * @param in the inputs
     * @return the systemd unit, the LaunchAgent's property list or the Task Scheduler task
     */
    static String text(Inputs in) {
        return switch (in.platform()) {
            case LINUX -> systemd(in);
            case MACOS -> launchd(in);
            case WINDOWS -> taskScheduler(in);
        };
    }

    private static String systemd(Inputs in) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(WRITTEN_BY).append('\n');
        s.append("# ").append(VERSION_KEY).append(": ").append(recordedVersion(in.version())).append('\n');
        s.append("# ").append(FINGERPRINT_KEY).append(": ").append(in.tokenFingerprint()).append('\n');
        s.append('\n');
        s.append("[Unit]\n");
        s.append("Description=Portico gateway ").append(specifiers(in.version())).append('\n');
        s.append('\n');
        s.append("[Service]\n");
        s.append("Type=simple\n");
        s.append("ExecStart=").append(command(in).stream().map(a -> systemdWord(a, true))
                .collect(Collectors.joining(" "))).append('\n');
        s.append("WorkingDirectory=").append(specifiers(in.stateDir())).append('\n');
        s.append("Environment=").append(systemdWord(MARKER_VARIABLE + "=" + Platform.LINUX.marker(), false))
                .append('\n');
        in.token().ifPresent(t -> s.append("Environment=").append(systemdWord(TOKEN_VARIABLE + "=" + t, false))
                .append('\n'));
        s.append("Restart=always\n");
        s.append("RestartSec=5\n");
        s.append("# Exit code ").append(INTENTIONAL_EXIT)
                .append(": the gateway stopped on purpose; it stays stopped.\n");
        s.append("RestartPreventExitStatus=").append(INTENTIONAL_EXIT).append('\n');
        s.append('\n');
        s.append("[Install]\n");
        s.append("WantedBy=default.target\n");
        return s.toString();
    }

    /** {@code %} starts a systemd specifier; {@code %%} is a percent sign. */
    private static String specifiers(String value) {
        return value.replace("%", "%%");
    }

    /**
     * One word of a systemd command line or assignment: quoted when it holds white space, a quote,
     * a backslash or a semicolon; specifiers escaped, and in a command line variables too.
     */
    private static String systemdWord(String value, boolean commandLine) {
        String v = specifiers(value);
        if (commandLine) {
            v = v.replace("$", "$$");
        }
        boolean plain = !value.isEmpty() && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"'
                || c == '\'' || c == '\\' || c == ';');
        return plain ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String launchd(Inputs in) {
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
        stampComments(s, in);
        s.append("<plist version=\"1.0\">\n");
        s.append("<dict>\n");
        key(s, "Label").append("  <string>").append(LABEL).append("</string>\n");
        key(s, "ProgramArguments").append("  <array>\n");
        for (String arg : command(in)) {
            s.append("    <string>").append(xml(arg)).append("</string>\n");
        }
        s.append("  </array>\n");
        key(s, "WorkingDirectory").append("  <string>").append(xml(in.stateDir())).append("</string>\n");
        key(s, "EnvironmentVariables").append("  <dict>\n");
        s.append("    <key>").append(MARKER_VARIABLE).append("</key>\n");
        s.append("    <string>").append(Platform.MACOS.marker()).append("</string>\n");
        in.token().ifPresent(t -> {
            s.append("    <key>").append(TOKEN_VARIABLE).append("</key>\n");
            s.append("    <string>").append(xml(t)).append("</string>\n");
        });
        s.append("  </dict>\n");
        key(s, "RunAtLoad").append("  <true/>\n");
        key(s, "KeepAlive").append("  <dict>\n");
        s.append("    <key>SuccessfulExit</key>\n");
        s.append("    <false/>\n");
        s.append("  </dict>\n");
        key(s, "ThrottleInterval").append("  <integer>10</integer>\n");
        key(s, "StandardOutPath").append("  <string>").append(xml(logFile(in))).append("</string>\n");
        key(s, "StandardErrorPath").append("  <string>").append(xml(logFile(in))).append("</string>\n");
        s.append("</dict>\n");
        s.append("</plist>\n");
        return s.toString();
    }

    private static StringBuilder key(StringBuilder s, String key) {
        return s.append("  <key>").append(key).append("</key>\n");
    }

    private static void stampComments(StringBuilder s, Inputs in) {
        s.append("<!-- ").append(WRITTEN_BY).append(" -->\n");
        s.append("<!-- ").append(VERSION_KEY).append(": ").append(recordedVersion(in.version())).append(" -->\n");
        s.append("<!-- ").append(FINGERPRINT_KEY).append(": ").append(in.tokenFingerprint()).append(" -->\n");
    }

    private static String taskScheduler(Inputs in) {
        List<String> steps = new ArrayList<>();
        steps.add("set \"" + MARKER_VARIABLE + "=" + Platform.WINDOWS.marker() + "\"");
        in.token().ifPresent(t -> steps.add("set \"" + TOKEN_VARIABLE + "=" + t + "\""));
        steps.add(command(in).stream().map(ServiceDefinition::windowsArg).collect(Collectors.joining(" "))
                + " >> " + windowsArg(logFile(in)) + " 2>&1");
        // /s: cmd.exe drops the first and the last quote and runs what is between them as it stands.
        String arguments = "/d /s /c \"" + String.join(" && ", steps) + "\"";

        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n");
        stampComments(s, in);
        s.append("<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n");
        s.append("  <RegistrationInfo>\n");
        s.append("    <Description>Portico gateway ").append(xml(in.version())).append("</Description>\n");
        s.append("    <URI>\\").append(TASK).append("</URI>\n");
        s.append("  </RegistrationInfo>\n");
        s.append("  <Triggers>\n");
        s.append("    <LogonTrigger>\n");
        s.append("      <Enabled>true</Enabled>\n");
        in.user().ifPresent(u -> s.append("      <UserId>").append(xml(u)).append("</UserId>\n"));
        s.append("    </LogonTrigger>\n");
        s.append("  </Triggers>\n");
        s.append("  <Principals>\n");
        s.append("    <Principal id=\"Author\">\n");
        in.user().ifPresent(u -> s.append("      <UserId>").append(xml(u)).append("</UserId>\n"));
        s.append("      <LogonType>InteractiveToken</LogonType>\n");
        s.append("      <RunLevel>LeastPrivilege</RunLevel>\n");
        s.append("    </Principal>\n");
        s.append("  </Principals>\n");
        s.append("  <Settings>\n");
        s.append("    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n");
        s.append("    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n");
        s.append("    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n");
        s.append("    <AllowHardTerminate>true</AllowHardTerminate>\n");
        s.append("    <StartWhenAvailable>true</StartWhenAvailable>\n");
        s.append("    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n");
        s.append("    <AllowStartOnDemand>true</AllowStartOnDemand>\n");
        s.append("    <Enabled>true</Enabled>\n");
        s.append("    <Hidden>false</Hidden>\n");
        s.append("    <RunOnlyIfIdle>false</RunOnlyIfIdle>\n");
        s.append("    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>\n");
        s.append("    <Priority>7</Priority>\n");
        s.append("    <RestartOnFailure>\n");
        s.append("      <Interval>PT1M</Interval>\n");
        s.append("      <Count>999</Count>\n");
        s.append("    </RestartOnFailure>\n");
        s.append("  </Settings>\n");
        s.append("  <Actions Context=\"Author\">\n");
        s.append("    <Exec>\n");
        s.append("      <Command>cmd.exe</Command>\n");
        s.append("      <Arguments>").append(xml(arguments)).append("</Arguments>\n");
        s.append("      <WorkingDirectory>").append(xml(in.stateDir())).append("</WorkingDirectory>\n");
        s.append("    </Exec>\n");
        s.append("  </Actions>\n");
        s.append("</Task>\n");
        return s.toString();
    }

    /**
     * One argument of a Windows command line: quoted when it holds white space or a character
     * cmd.exe treats specially; then backslashes before the closing quote are doubled so that
     * they stay backslashes. {@link Inputs} has refused quotes and percent signs.
     */
    private static String windowsArg(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> Character.isWhitespace(c) || "&|<>^()".indexOf(c) >= 0)) {
            return value;
        }
        int trailing = 0;
        while (trailing < value.length() && value.charAt(value.length() - 1 - trailing) == '\\') {
            trailing++;
        }
        return "\"" + value + "\\".repeat(trailing) + "\"";
    }

    /** Text for an XML element: {@code & < >} escaped. */
    static String xml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
