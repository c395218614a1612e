package dev.portico.cli;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the config file and calls back when its content has changed: a save that writes the file
 * in several steps, or a rename over it, is one change once the writes have settled for
 * {@value #SETTLE_MILLIS} ms; a save that leaves the content as it was is none. Also answers
 * {@code SIGHUP} on systems that have it.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());
    static final long SETTLE_MILLIS = 150;

    private final Path file;
    private final WatchService watcher;
    private final Consumer<String> onChange;
    private final Thread thread;
    private volatile byte[] digest;

    private ConfigWatcher(Path file, WatchService watcher, Consumer<String> onChange) {
        this.file = file;
        this.watcher = watcher;
        this.onChange = onChange;
        this.digest = digest(file);
        this.thread = Thread.ofPlatform().name("portico-config-watch").daemon().unstarted(this::loop);
    }

    /**
     * Starts watching.
     *
     * @param file the config file; its directory must exist
     * @param onChange called with what changed it ({@code config file changed}, {@code SIGHUP})
     * @return the watcher; close it when the gateway stops
     * @throws IOException when the directory cannot be watched
     */
    static ConfigWatcher start(Path file, Consumer<String> onChange) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        WatchService service = FileSystems.getDefault().newWatchService();
        absolute.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        ConfigWatcher w = new ConfigWatcher(absolute, service, onChange);
        w.thread.start();
        hangUp(onChange);
        return w;
    }

    /**
     * Takes content the gateway itself is about to write to the file as seen, so that the write is
     * not taken for a change to apply again.
     *
     * @param content the file's next content
     */
    void expect(byte[] content) {
        digest = sha256(content);
    }

    /** {@code SIGHUP} reloads; on a system without it, nothing happens. */
    private static void hangUp(Consumer<String> onChange) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal ->
                    Thread.ofVirtual().name("portico-sighup").start(() -> onChange.accept("SIGHUP")));
        } catch (IllegalArgumentException | UnsupportedOperationException noSighup) {
            LOG.log(System.Logger.Level.DEBUG, "no SIGHUP here: " + noSighup.getMessage());
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = concerns(key);
                key.reset();
                if (!ours) {
                    continue;
                }
                // Let a save that writes in several steps finish.
                for (WatchKey more; (more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    more.pollEvents();
                    more.reset();
                }
                byte[] now = digest(file);
                if (now != null && !Arrays.equals(now, digest)) {
                    digest = now;
                    onChange.accept("config file changed");
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // Closed with the gateway.
        }
    }

    private boolean concerns(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.context() instanceof Path p && p.equals(file.getFileName())) {
                ours = true;
            }
        }
        return ours;
    }

    /** The file's SHA-256, or null when it cannot be read (being replaced, or deleted). */
    private static byte[] digest(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "config watcher: " + e.getMessage());
        }
        thread.interrupt();
    }
}
