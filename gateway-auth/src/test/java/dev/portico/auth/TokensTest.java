package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
    @TempDir
    Path dir;

    @Test
    void generatedTokensAre32RandomBytes() {
        String a = Tokens.generate();
        assertEquals(32, Base64.getUrlDecoder().decode(a).length);
        assertEquals(Tokens.GENERATED_LENGTH, a.length());
        assertNotEquals(a, Tokens.generate());
    }

    @Test
    void aTokenIsCreatedOwnerOnlyAndReadBackAfterARestart() throws Exception {
        Path state = dir.resolve("state");
        Path file = state.resolve("token");
        String first = Tokens.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals(first, Tokens.loadOrCreate(file));
        try (var files = Files.list(state)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void anExistingTokenFileIsUsedAsWritten() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "  my-own-token \n");
        assertEquals("my-own-token", Tokens.loadOrCreate(file));
    }

    @Test
    void anEmptyTokenFileIsAClearError() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Tokens.loadOrCreate(file));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void maskingShowsOnlyTheEnds() {
        assertEquals("abcd…wxyz", Tokens.mask("abcdefghijklmnopqrstuvwxyz"));
        assertEquals("****", Tokens.mask("short"));
    }
}
