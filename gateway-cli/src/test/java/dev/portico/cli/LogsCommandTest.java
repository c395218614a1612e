package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.GatewayLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portico gateway logs}: the newest entries as readable lines, and following them across rotations. */
class LogsCommandTest {
    @TempDir
    Path state;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Logger jul = Logger.getLogger("dev.portico.test.cli.Logs");
    GatewayLog log;

    @BeforeEach
    void quiet() {
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
    }

    @AfterEach
    void close() {
        if (log != null) {
            jul.removeHandler(log);
            log.close();
        }
    }

    /** A gateway's log in {@code <state>/logs}, as the packaged server opens it, with small files. */
    void openLog(long maxFileBytes) {
        log = GatewayLog.builder().directory(state.resolve("logs")).maxFileBytes(maxFileBytes).maxFiles(5)
                .clock(Clock.fixed(Instant.parse("2026-05-10T00:00:00.123Z"), ZoneOffset.UTC)).build();
        jul.addHandler(log);
    }

    /** The command line, with its {@code logs} command set up by {@code setup}. */
    CommandLine cli(java.util.function.Consumer<LogsCommand> setup) {
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        LogsCommand logs = cl.getSubcommands().get("gateway").getSubcommands().get("logs").getCommand();
        logs.zone = ZoneId.of("UTC");
        setup.accept(logs);
        return cl;
    }

    @Test
    void linesPrintsTheNewestEntriesAsReadableLines() throws IOException {
        openLog(GatewayLog.DEFAULT_MAX_FILE_BYTES);
        jul.info("gateway started");
        jul.log(Level.INFO, "run completed", new Object[] {GatewayLog.fields("run_id", "r1", "duration_ms", 12,
                "note", "two words", "token", "never-printed-0123")});
        jul.log(Level.SEVERE, "store failed", new IOException("disk full"));
        Files.writeString(state.resolve("logs/gateway.log"), "a line written by hand\n", StandardOpenOption.APPEND);

        assertEquals(0, cli(c -> {}).execute("gateway", "logs", "--lines", "3", "--state-dir", state.toString()),
                err::toString);
        assertEquals("""
                2026-05-10 00:00:00.123 INFO  Logs  run completed run_id=r1 duration_ms=12 note="two words" token=[redacted]
                2026-05-10 00:00:00.123 ERROR Logs  store failed error="java.io.IOException: disk full"
                a line written by hand
                """, out.toString());
        assertEquals("", err.toString());

        out.getBuffer().setLength(0);
        assertEquals(0, cli(c -> {}).execute("gateway", "logs", "--state-dir", state.toString()));
        assertEquals(4, out.toString().lines().count(), "50 by default: all four");
        assertTrue(out.toString().startsWith("2026-05-10 00:00:00.123 INFO  Logs  gateway started\n"), out.toString());
    }

    @Test
    void withoutALogItSaysSoOnOneLineAndFails() {
        assertEquals(1, cli(c -> {}).execute("gateway", "logs", "--state-dir", state.toString()));
        assertEquals("portico gateway logs: no log in " + state.resolve("logs") + " (the gateway writes one once it "
                + "has run with this state directory)", err.toString().strip());
        assertEquals("", out.toString());
        assertEquals(2, cli(c -> {}).execute("gateway", "logs", "--lines", "-1", "--state-dir", state.toString()));
    }

    @Test
    void followPrintsNewLinesAcrossRotationsUntilStopped() throws Exception {
        // Each line is about 120 bytes: two fit in a file, so four lines rotate twice.
        openLog(260);
        jul.info("old line one");
        jul.info("old line two");
        List<Runnable> steps = new ArrayList<>(List.of(
                () -> jul.info("new line"),
                () -> {},
                () -> {
                    for (int i = 1; i <= 5; i++) {
                        jul.info("rotating line " + i);
                    }
                },
                () -> jul.info("after the rotations")));
        List<String> seenAtEachPoll = new ArrayList<>();
        CommandLine cl = cli(c -> c.poll = () -> {
            seenAtEachPoll.add(out.toString());
            if (steps.isEmpty()) {
                return false;
            }
            steps.remove(0).run();
            return true;
        });
        assertEquals(0, cl.execute("gateway", "logs", "--follow", "--lines", "1", "--state-dir", state.toString()),
                err::toString);
        assertTrue(Files.exists(state.resolve("logs/gateway.log.2")), "it rotated more than once between two looks");
        List<String> msgs = out.toString().lines().map(l -> l.substring(l.indexOf("Logs  ") + 6)).toList();
        assertEquals(List.of("old line two", "new line", "rotating line 1", "rotating line 2", "rotating line 3",
                "rotating line 4", "rotating line 5", "after the rotations"), msgs);
        assertTrue(seenAtEachPoll.get(1).contains("new line"), "a new line is printed at the next look");
        assertEquals(5, seenAtEachPoll.size(), "stops when the wait says so");
    }
}
