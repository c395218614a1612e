package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.GatewayLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console writes what the log file would: no registered secret, no secret-looking value. */
class ConsoleRedactionTest {
    @TempDir
    Path dir;

    @Test
    void theConsoleIsRedactedLikeTheLogFile() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        StreamHandler handler = new StreamHandler(console, new SimpleFormatter());
        Logger logger = Logger.getLogger("portico.console.test." + System.nanoTime());
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        try (GatewayLog log = GatewayLog.open(dir)) {
            log.redact("registered-secret-0123456789");
            GatewayCommand.redactConsole(logger, log);
            logger.log(Level.WARNING, "rejected registered-secret-0123456789 and Authorization: Bearer abc.def-123");
            handler.flush();
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("rejected [redacted]"), text);
        assertFalse(text.contains("registered-secret-0123456789"), text);
        assertFalse(text.contains("abc.def-123"), text);
    }
}
