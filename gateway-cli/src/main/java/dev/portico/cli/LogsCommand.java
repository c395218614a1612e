package dev.portico.cli;

import dev.portico.core.GatewayLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico gateway logs}: prints the newest entries of {@code <state dir>/logs/gateway.log*}
 * as human-readable lines, and with {@code --follow} goes on printing new ones, across rotations,
 * until interrupted. It reads the files directly, so it works whether the gateway runs or not.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the gateway's log (<state dir>/logs/gateway.log) as readable lines: the newest --lines "
                + "entries, then, with --follow, each new one until Ctrl-C. Works whether or not the gateway runs. "
                + "Exit code 1 when there is no log.")
final class LogsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final Set<String> OWN = Set.of("time", "level", "logger", "msg");
    private static final int CHUNK = 64 * 1024;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory (default: PORTICO_STATE_DIR, else ~/.portico).")
    Path stateDir;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "50",
            description = "How many of the newest entries to print (default: 50).")
    int lines;

    @Option(names = {"-f", "--follow"},
            description = "Keep printing new entries as they are written, across rotations, until interrupted (Ctrl-C).")
    boolean follow;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Waits between looks at the file while following; tests set it. Unset, the wait ends when the
     * log directory changes, or after a second at most.
     */
    Poll poll;

    /** The zone times are printed in; tests replace it. */
    ZoneId zone = ZoneId.systemDefault();

    /** The wait between two looks at the log while following. */
    @FunctionalInterface
    interface Poll {
        /**
         * Waits until it is time to look again.
         *
         * @return whether to go on following
         * @throws InterruptedException when interrupted, which stops following
         */
        boolean next() throws InterruptedException;
    }

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
        if (lines < 0) {
            err.println("portico gateway logs: --lines: " + lines + " (expected: 0 or more)");
            return GatewayCommand.USAGE;
        }
        Path dir = GatewaySetup.stateDir(stateDir).resolve("logs");
        if (!Files.isDirectory(dir)) {
            err.println("portico gateway logs: no log in " + dir + " (the gateway writes one once it has run with "
                    + "this state directory)");
            return GatewayCommand.FAILED;
        }
        try {
            // Where following starts is taken first: a line written meanwhile is printed twice, never missed.
            Tail tail = follow ? new Tail(dir.resolve("gateway.log")) : null;
            for (GatewayLog.Entry e : GatewayLog.read(dir, lines)) {
                out.println(format(e));
            }
            out.flush();
            if (tail != null) {
                tail.follow(out);
            }
            return 0;
        } catch (IOException | UncheckedIOException e) {
            err.println("portico gateway logs: cannot read " + dir + ": " + e.getMessage());
            return GatewayCommand.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * One entry as a line: {@code 2026-05-10 00:00:00.123 INFO  Conversations  run completed run_id=… duration_ms=12}.
     * The logger is its last name; a line that was not JSON is printed as it was.
     *
     * @param e the entry
     * @return the line
     */
    String format(GatewayLog.Entry e) {
        if (e.time().isEmpty() && e.fields().get("time") == null && !e.fields().containsKey("logger")) {
            return e.msg();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(e.time().map(t -> TIME.format(t.atZone(zone))).orElse("-"));
        sb.append(' ').append(String.format("%-5s", e.level()));
        String logger = e.logger();
        sb.append(' ').append(logger.isEmpty() ? "-" : logger.substring(logger.lastIndexOf('.') + 1));
        sb.append("  ").append(e.msg());
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            if (!OWN.contains(f.getKey())) {
                sb.append(' ').append(f.getKey()).append('=').append(value(f.getValue()));
            }
        }
        return sb.toString();
    }

    private static String value(Object v) {
        String s = String.valueOf(v);
        if (!s.isEmpty() && s.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '=')) {
            return s;
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** Follows {@code gateway.log} from where it ends now, onto the new file after each rotation. */
    private final class Tail {
        private final Path file;
        private FileChannel channel;
        private Object identity;
        private long position;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Tail(Path file) throws IOException {
            this.file = file;
            if (open()) {
                position = channel.size();
            }
        }

        /** Opens the file as it is now; false when it does not exist (between a rotation's rename and the new file). */
        private boolean open() throws IOException {
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException missing) {
                channel = null;
                return false;
            }
            identity = identity(file);
            position = 0;
            return true;
        }

        /** The file's identity: its inode where there is one, else its creation time. */
        private static Object identity(Path p) throws IOException {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.fileKey() != null ? a.fileKey() : a.creationTime();
        }

        void follow(PrintWriter out) throws IOException, InterruptedException {
            try (WatchService changes = poll == null ? file.getFileSystem().newWatchService() : null) {
                Poll next = poll;
                if (next == null) {
                    file.toAbsolutePath().getParent().register(changes, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                    next = () -> {
                        WatchKey key = changes.poll(1, TimeUnit.SECONDS);
                        if (key != null) {
                            key.pollEvents();
                            key.reset();
                        }
                        return true;
                    };
                }
                while (true) {
                    drain(out);
                    if (replaced()) {
                        drain(out);
                        flushPartial(out);
                        if (channel != null) {
                            channel.close();
                            catchUp(out);
                        }
                        open();
                        continue;
                    }
                    out.flush();
                    if (!next.next()) {
                        return;
                    }
                }
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
        }

        /**
         * Prints the files rotated after the one just read, oldest first, when more than one
         * rotation happened between two looks: the file read is now {@code gateway.log.<k>}, and
         * {@code .<k-1>} to {@code .1} were written after it. When it is gone (rotated out),
         * every rotated file is newer.
         */
        private void catchUp(PrintWriter out) throws IOException {
            if (identity.equals(identityOrNull(file))) {
                return; // The same file, cut short by hand: nothing was rotated.
            }
            int last = 0;
            int found = 0;
            for (int i = 1; Files.exists(rotated(i)); i++) {
                last = i;
                if (found == 0 && identity.equals(identityOrNull(rotated(i)))) {
                    found = i;
                }
            }
            for (int i = (found > 0 ? found - 1 : last); i >= 1; i--) {
                try (FileChannel older = FileChannel.open(rotated(i), StandardOpenOption.READ)) {
                    FileChannel current = channel;
                    long at = position;
                    channel = older;
                    position = 0;
                    drain(out);
                    flushPartial(out);
                    channel = current;
                    position = at;
                } catch (NoSuchFileException rotatedOutMeanwhile) {
                    // Gone before it could be read.
                }
            }
        }

        private Path rotated(int i) {
            return file.resolveSibling(file.getFileName() + "." + i);
        }

        private static Object identityOrNull(Path p) {
            try {
                return identity(p);
            } catch (IOException gone) {
                return null;
            }
        }

        /** Whether {@code gateway.log} is now another file than the one being read (or appeared). */
        private boolean replaced() throws IOException {
            if (!Files.exists(file)) {
                return false;
            }
            if (channel == null) {
                return true;
            }
            try {
                return !Objects.equals(identity(file), identity) || Files.size(file) < position;
            } catch (NoSuchFileException renamedMeanwhile) {
                return false;
            }
        }

        /** Prints the complete lines written since the last look; a line still being written waits. */
        private void drain(PrintWriter out) throws IOException {
            if (channel == null) {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (true) {
                buf.clear();
                int n = channel.read(buf, position);
                if (n <= 0) {
                    return;
                }
                position += n;
                byte[] bytes = buf.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        partial.write(bytes, start, i - start);
                        print(out, partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                        start = i + 1;
                    }
                }
                partial.write(bytes, start, n - start);
            }
        }

        private void flushPartial(PrintWriter out) {
            if (partial.size() > 0) {
                print(out, partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            }
        }

        private void print(PrintWriter out, String line) {
            if (!line.isBlank()) {
                out.println(format(GatewayLog.Entry.parse(line)));
            }
        }
    }
}
