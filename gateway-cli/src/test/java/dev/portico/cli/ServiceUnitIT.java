package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.cli.ServiceDefinition.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The systemd unit that {@code portico gateway service install} writes, checked by systemd itself
 * ({@code systemd-analyze verify}): its syntax, its keys, and that the program it starts exists.
 */
class ServiceUnitIT {
    @TempDir
    Path dir;

    @Test
    void systemdAcceptsTheInstalledUnit() throws Exception {
        Assumptions.assumeTrue(Platform.fromOsName(System.getProperty("os.name")).orElse(null) == Platform.LINUX,
                "systemd units are checked on Linux");
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");

        Path home = Files.createDirectories(dir.resolve("home"));
        Path state = dir.resolve("my state & <dir> 100%");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ServiceCommand service = cl.getSubcommands().get("gateway").getSubcommands().get("service").getCommand();
        service.osName = "Linux";
        service.home = home;
        service.env = name -> null;
        service.runner = argv -> new CommandRunner.Result(0, "");
        int exit = cl.execute("gateway", "service", "install", "--state-dir", state.toString(), "--port", "18800",
                "--token", "a-token-with-$dollar-and-%percent");
        assertEquals(0, exit, out + "" + err);

        Path unit = Platform.LINUX.file(home, state);
        List<String> verify = List.of("systemd-analyze", "verify", unit.toString());
        Process p = new ProcessBuilder(verify).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify did not end within 60 s");
        assertEquals(0, p.exitValue(), Files.readString(unit) + "\n" + output);
        assertTrue(output.lines().noneMatch(l -> l.contains(ServiceDefinition.UNIT)),
                "systemd-analyze found nothing to say about the unit:\n" + output);
    }

    private static boolean onPath(String program) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + program).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
