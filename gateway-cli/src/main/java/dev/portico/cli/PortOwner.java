package dev.portico.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which process listens on a TCP port, and whether it is a Portico gateway: for the one-line error
 * of a busy port and for {@code --force}. On Linux it reads {@code /proc} (the listening socket's
 * inode, then the process holding it; only processes of the same user are visible); elsewhere it
 * asks {@code lsof}. Finding nothing is an answer too: the caller then says only that the port is
 * in use.
 */
final class PortOwner {
    /** How long a stopped gateway is given before it is killed. */
    static final Duration GRACE = Duration.ofMillis(700);
    private static final String LISTEN = "0A";

    private PortOwner() {}

    /**
     * The process listening on a port.
     *
     * @param port the port
     * @return its process, when it can be found
     */
    static Optional<ProcessHandle> of(int port) {
        Path proc = Path.of("/proc/net");
        if (Files.isDirectory(proc)) {
            Set<String> inodes = new HashSet<>();
            for (String table : List.of("tcp", "tcp6")) {
                inodes.addAll(listeningInodes(proc.resolve(table), port));
            }
            return inodes.isEmpty() ? Optional.empty() : holderOf(inodes);
        }
        return lsof(port);
    }

    /** The inodes of the sockets listening on the port in one {@code /proc/net/tcp*} table. */
    static Set<String> listeningInodes(Path table, int port) {
        Set<String> out = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        try {
            for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(":" + hexPort) && f[3].equals(LISTEN)) {
                    out.add(f[9]);
                }
            }
        } catch (IOException e) {
            // No such table (no IPv6) or not readable: nothing from it.
        }
        return out;
    }

    private static Optional<ProcessHandle> holderOf(Set<String> inodes) {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                            return ProcessHandle.of(Long.parseLong(pid.getFileName().toString()));
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // Another user's process, or one that just ended.
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<ProcessHandle> lsof(int port) {
        try {
            Process p = new ProcessBuilder("lsof", "-nP", "-t", "-iTCP:" + port, "-sTCP:LISTEN")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(out.lines().findFirst().orElseThrow().trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Whether a process is a Portico gateway, by its command line: Portico's jar or main class,
     * followed by {@code gateway}.
     *
     * @param process the process
     * @return true when it runs {@code portico gateway}
     */
    static boolean isPortico(ProcessHandle process) {
        List<String> args = process.info().arguments().map(List::of).orElse(List.of());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.endsWith("gateway-cli.jar") || a.equals("dev.portico.cli.Portico")) {
                return args.subList(i + 1, args.size()).contains("gateway");
            }
        }
        return false;
    }

    /**
     * Stops a process: SIGTERM, {@code grace} to exit, then SIGKILL.
     *
     * @param process the process
     * @param grace how long it may take to stop gracefully
     * @return true when it has exited
     */
    static boolean terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        if (exited(process, grace)) {
            return true;
        }
        process.destroyForcibly();
        return exited(process, Duration.ofSeconds(5));
    }

    /**
     * Waits for a process to exit.
     *
     * @param process the process
     * @param wait how long at most
     * @return whether it has exited
     */
    static boolean exited(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
