package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    static Optional<String> reason(String body) {
        return Upstream.errorMessage(body.getBytes(StandardCharsets.UTF_8), List.of("my-secret-key"));
    }

    @Test
    void theReasonIsTheProvidersOwnMessageInAnyCommonShape() {
        assertEquals(Optional.of("Rate limit reached"), reason("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"x\"}}"));
        assertEquals(Optional.of("model not found"), reason("{\"error\":\"model not found\"}"));
        assertEquals(Optional.of("bad input"), reason("{\"message\":\"bad input\",\"stack\":\"...\"}"));
        assertEquals(Optional.of("Not Found"), reason("{\"detail\":\"Not Found\"}"));
        assertEquals(Optional.empty(), reason("<html><body>502 Bad Gateway</body></html>"));
        assertEquals(Optional.empty(), reason("{\"error\":{\"code\":42}}"));
        assertEquals(Optional.empty(), reason("{\"error\":{\"message\":\"  \"}}"));
    }

    @Test
    void sanitizingRemovesControlsAndSecretsAndCapsTheLength() {
        assertEquals("key [redacted] is wrong", Upstream.sanitize("key my-secret-key is\n\t wrong", List.of("my-secret-key")));
        assertEquals("Incorrect API key provided: [redacted].", Upstream.sanitize(
                "Incorrect API key provided: sk-proj-abcdefgh1234.", List.of()));
        assertEquals("sent [redacted]", Upstream.sanitize("sent Bearer abc.def.ghi-jkl", List.of()));
        String longText = "é".repeat(150) + "🌍".repeat(100);
        String capped = Upstream.sanitize(longText, List.of());
        assertTrue(capped.length() <= Upstream.MAX_REASON, () -> "length " + capped.length());
        assertTrue(capped.endsWith("…"));
        assertFalse(Character.isHighSurrogate(capped.charAt(capped.length() - 2)), "no half character before the ellipsis");
    }

    @Test
    void retryAfterTakesSecondsOrAnHttpDateAndIsCapped() {
        assertEquals(Optional.of(NOW.plusSeconds(30)), Upstream.retryAfter(Optional.of("30"), NOW, HOUR));
        assertEquals(Optional.of(NOW.plusSeconds(90)),
                Upstream.retryAfter(Optional.of("Sun, 01 Mar 2026 12:01:30 GMT"), NOW, HOUR));
        assertEquals(Optional.of(NOW.plus(HOUR)), Upstream.retryAfter(Optional.of("999999999999999999999"), NOW, HOUR));
        assertEquals(Optional.of(NOW.plus(HOUR)), Upstream.retryAfter(Optional.of("Fri, 01 Mar 2030 12:00:00 GMT"), NOW, HOUR));
        assertEquals(Optional.empty(), Upstream.retryAfter(Optional.of("Sun, 01 Mar 2026 11:59:00 GMT"), NOW, HOUR));
        assertEquals(Optional.empty(), Upstream.retryAfter(Optional.of("0"), NOW, HOUR));
        assertEquals(Optional.empty(), Upstream.retryAfter(Optional.of("soon"), NOW, HOUR));
        assertEquals(Optional.empty(), Upstream.retryAfter(Optional.of("-5"), NOW, HOUR));
        assertEquals(Optional.empty(), Upstream.retryAfter(Optional.empty(), NOW, HOUR));
    }
}
