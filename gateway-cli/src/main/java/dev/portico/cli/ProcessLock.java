package dev.portico.cli;

import dev.portico.auth.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The lock that keeps two gateways off one config:
 * {@code <state dir>/locks/gateway.<first 8 hex of sha256(config path)>.lock}, holding
 * {@code {"pid","createdAt","configPath","startTime","port"}}.
 *
 * <p>The file is created whole or not at all: the record is written to a temporary file, which is
 * then linked to the lock's name, an operation that fails when the name exists. A lock whose
 * process is gone, or whose pid now belongs to another process (its start time differs), is stale:
 * it is reclaimed with a log line. A lock held by a live gateway is refused with that gateway's pid
 * and port.
 */
final class ProcessLock implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessLock.class.getName());

    /**
     * What a lock file says.
     *
     * @param pid the gateway's process id
     * @param createdAt when the lock was taken
     * @param configPath the config file the gateway runs on
     * @param startTime the process's start time, to tell a reused pid from the gateway's
     * @param port the port it serves on; 0 until it is bound
     */
    record Holder(long pid, Instant createdAt, String configPath, Optional<Instant> startTime, int port) {

        /** @return whether the process that wrote this lock still runs */
        boolean alive() {
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return false;
            }
            if (startTime.isEmpty()) {
                return true;
            }
            // Start times are known to the millisecond on some systems and to the tick on others.
            return process.get().info().startInstant()
                    .map(s -> Math.abs(s.toEpochMilli() - startTime.get().toEpochMilli()) < 1000).orElse(true);
        }

        String toJson() {
            var b = Json.createObjectBuilder().add("pid", pid).add("createdAt", createdAt.toString())
                    .add("configPath", configPath);
            startTime.ifPresent(t -> b.add("startTime", t.toString()));
            return b.add("port", port).build().toString() + "\n";
        }

        static Optional<Holder> parse(String text) {
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                JsonObject o = reader.readObject();
                if (!(o.get("pid") instanceof JsonNumber pid) || !(o.get("createdAt") instanceof JsonString created)) {
                    return Optional.empty();
                }
                Optional<Instant> start = o.get("startTime") instanceof JsonString s
                        ? Optional.of(Instant.parse(s.getString())) : Optional.empty();
                int port = o.get("port") instanceof JsonNumber p ? p.intValue() : 0;
                return Optional.of(new Holder(pid.longValue(), Instant.parse(created.getString()),
                        o.getString("configPath", ""), start, port));
            } catch (JsonException | IllegalStateException | ClassCastException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
    }

    /** A lock held by a live gateway. */
    static final class Held extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;

        Held(Holder holder) {
            super("a gateway is already running on this config (pid " + holder.pid()
                    + (holder.port() > 0 ? ", port " + holder.port() : "") + ", since " + holder.createdAt()
                    + "); stop it with 'portico gateway stop', or take over with --force");
            this.holder = holder;
        }

        /** @return the lock's holder */
        Holder holder() {
            return holder;
        }
    }

    private final Path file;
    private Holder holder;

    private ProcessLock(Path file, Holder holder) {
        this.file = file;
        this.holder = holder;
    }

    /**
     * The lock file of a config.
     *
     * @param stateDir the state directory
     * @param configFile the config file, whether or not it exists
     * @return {@code <state dir>/locks/gateway.<8 hex>.lock}
     */
    static Path path(Path stateDir, Path configFile) {
        String config = configFile.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(config.getBytes(StandardCharsets.UTF_8));
            return stateDir.resolve("locks").resolve("gateway." + HexFormat.of().formatHex(digest, 0, 4) + ".lock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Reads the lock of a config, whether or not its holder still runs.
     *
     * @param stateDir the state directory
     * @param configFile the config file
     * @return what the lock says; empty when there is none or it cannot be read
     */
    static Optional<Holder> read(Path stateDir, Path configFile) {
        return read(path(stateDir, configFile));
    }

    private static Optional<Holder> read(Path file) {
        try {
            return Holder.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Takes the lock of a config for this process.
     *
     * @param stateDir the state directory (created owner-only when missing)
     * @param configFile the config file
     * @param port the port to be bound, 0 when not known yet
     * @return the lock, to be {@linkplain #close() released} when the gateway stops
     * @throws Held when a live gateway holds it
     * @throws UncheckedIOException when the locks directory cannot be written
     */
    static ProcessLock acquire(Path stateDir, Path configFile, int port) throws Held {
        Path file = path(stateDir, configFile);
        ProcessHandle self = ProcessHandle.current();
        Holder mine = new Holder(self.pid(), Instant.now().truncatedTo(ChronoUnit.MILLIS),
                configFile.toAbsolutePath().normalize().toString(), self.info().startInstant(), port);
        try {
            Tokens.createOwnerOnlyDirectory(stateDir);
            Tokens.createOwnerOnlyDirectory(file.getParent());
            // Twice at most: once more after a stale lock was removed.
            for (int attempt = 0; ; attempt++) {
                if (create(file, mine)) {
                    return new ProcessLock(file, mine);
                }
                Optional<Holder> existing = read(file);
                if (existing.isPresent() && existing.get().alive()) {
                    throw new Held(existing.get());
                }
                if (attempt > 0) {
                    throw new IOException(file + ": could not be taken over (another gateway is starting?)");
                }
                LOG.log(System.Logger.Level.INFO, existing.map(h -> "lock " + file + " of pid " + h.pid()
                        + " (since " + h.createdAt() + ") is stale: the process is gone; reclaimed")
                        .orElse("lock " + file + " is unreadable; reclaimed"));
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lock: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the lock of a config when its holder is gone, as after a gateway was killed.
     *
     * @param stateDir the state directory
     * @param configFile the config file
     */
    static void removeStale(Path stateDir, Path configFile) {
        Path file = path(stateDir, configFile);
        if (read(file).filter(Holder::alive).isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "lock " + file + " could not be removed: " + e.getMessage());
            }
        }
    }

    /** Creates the lock file whole, or returns false when it exists. */
    private static boolean create(Path file, Holder holder) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), "gateway.", ".tmp");
        try {
            Files.writeString(temp, holder.toJson(), StandardCharsets.UTF_8);
            try {
                Files.createLink(file, temp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException noLinks) {
                try {
                    Files.createFile(file);
                } catch (FileAlreadyExistsException e) {
                    return false;
                }
                Files.writeString(file, holder.toJson(), StandardCharsets.UTF_8);
                return true;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** @return the lock file */
    Path file() {
        return file;
    }

    /**
     * Records the port the gateway serves on, once it is bound.
     *
     * @param port the port
     */
    void port(int port) {
        Holder updated = new Holder(holder.pid(), holder.createdAt(), holder.configPath(), holder.startTime(), port);
        try {
            Path temp = Files.createTempFile(file.getParent(), "gateway.", ".tmp");
            Files.writeString(temp, updated.toJson(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            holder = updated;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "lock " + file + ": the port could not be recorded: " + e.getMessage());
        }
    }

    /** Releases the lock: removes the file if it is still this process's. */
    @Override
    public void close() {
        Optional<Holder> current = read(file);
        if (current.isPresent() && current.get().pid() != holder.pid()) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException gone) {
            // Already removed.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "lock " + file + " could not be removed: " + e.getMessage());
        }
    }
}
