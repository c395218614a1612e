package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's lock: one gateway per config, stale locks reclaimed, reused pids told apart. */
class ProcessLockTest {
    @TempDir
    Path state;

    private Path config() {
        return state.resolve("config.json");
    }

    @Test
    void theLockIsNamedAfterTheConfigPathAndHoldsThePidAndPort() throws Exception {
        Path expected = state.resolve("locks").resolve("gateway."
                + sha256Prefix(config().toAbsolutePath().normalize().toString()) + ".lock");
        try (ProcessLock lock = ProcessLock.acquire(state, config(), 0)) {
            assertEquals(expected, lock.file());
            assertTrue(Files.exists(expected));
            lock.port(18791);
            ProcessLock.Holder h = ProcessLock.read(state, config()).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), h.pid());
            assertEquals(18791, h.port());
            assertEquals(config().toAbsolutePath().normalize().toString(), h.configPath());
            assertEquals(ProcessHandle.current().info().startInstant().isPresent(), h.startTime().isPresent());
            assertTrue(h.alive());
        }
        assertFalse(Files.exists(expected), "released");
        assertFalse(ProcessLock.path(state, config()).equals(ProcessLock.path(state, state.resolve("other.json"))),
                "another config, another lock");
    }

    @Test
    void aSecondGatewayOnTheSameConfigIsRefusedNamingThePidAndPort() throws Exception {
        try (ProcessLock lock = ProcessLock.acquire(state, config(), 0)) {
            lock.port(18795);
            ProcessLock.Held held = assertThrows(ProcessLock.Held.class,
                    () -> ProcessLock.acquire(state, config(), 0));
            assertTrue(held.getMessage().contains("pid " + ProcessHandle.current().pid() + ", port 18795"),
                    held.getMessage());
            assertTrue(held.getMessage().contains("--force"), held.getMessage());
            assertTrue(Files.exists(lock.file()), "the holder's lock is untouched");
        }
    }

    @Test
    void aLockWhoseProcessIsGoneIsReclaimed() throws Exception {
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        write(new ProcessLock.Holder(gone.pid(), Instant.parse("2026-01-01T00:00:00Z"), config().toString(),
                Optional.empty(), 18790));
        try (ProcessLock lock = ProcessLock.acquire(state, config(), 0)) {
            assertEquals(ProcessHandle.current().pid(), ProcessLock.read(state, config()).orElseThrow().pid());
        }
    }

    @Test
    void aLockWhosePidNowBelongsToAnotherProcessIsReclaimed() throws Exception {
        // This process's pid, but a start time that is not this process's: the pid was reused.
        Instant otherStart = ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(3600);
        write(new ProcessLock.Holder(ProcessHandle.current().pid(), Instant.parse("2026-01-01T00:00:00Z"),
                config().toString(), Optional.of(otherStart), 18790));
        assertFalse(ProcessLock.read(state, config()).orElseThrow().alive());
        try (ProcessLock lock = ProcessLock.acquire(state, config(), 0)) {
            assertEquals(ProcessHandle.current().info().startInstant().get().toEpochMilli(),
                    ProcessLock.read(state, config()).orElseThrow().startTime().orElseThrow().toEpochMilli());
        }
    }

    @Test
    void anUnreadableLockIsReclaimedAndANonEmptyForeignOneIsLeftAloneOnRelease() throws Exception {
        Path file = ProcessLock.path(state, config());
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"pid\":");
        try (ProcessLock lock = ProcessLock.acquire(state, config(), 0)) {
            // Someone else's lock replaced ours (a --force take-over): releasing leaves it be.
            write(new ProcessLock.Holder(1, Instant.parse("2026-01-01T00:00:00Z"), config().toString(),
                    Optional.empty(), 1));
        }
        assertEquals(1, ProcessLock.read(state, config()).orElseThrow().pid());
    }

    private void write(ProcessLock.Holder holder) throws Exception {
        Path file = ProcessLock.path(state, config());
        Files.createDirectories(file.getParent());
        Files.writeString(file, holder.toJson(), StandardCharsets.UTF_8);
    }

    private static String sha256Prefix(String text) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d).substring(0, 8);
    }
}
