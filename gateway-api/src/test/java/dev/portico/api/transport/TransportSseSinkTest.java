package dev.portico.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransportSseSinkTest {
    final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    final AtomicInteger closes = new AtomicInteger();
    boolean failWrites;

    final TransportSseSink sink = SseSink.over(new SseOutput() {
        @Override
        public void writeAndFlush(byte[] bytes) throws IOException {
            if (failWrites) {
                throw new IOException("broken pipe");
            }
            wire.writeBytes(bytes);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    });

    String wire() {
        return wire.toString(StandardCharsets.UTF_8);
    }

    @Test
    void framesIdEventAndOneDataLinePerLine() {
        sink.send(SseEvent.of("7", "token", "a\nb\r\nc🌍"));
        sink.send(SseEvent.data("plain"));
        sink.comment("keep-alive");
        assertEquals("id: 7\nevent: token\ndata: a\ndata: b\ndata: c🌍\n\ndata: plain\n\n: keep-alive\n\n", wire());
    }

    @Test
    void lineBreaksInIdsOrNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SseEvent.of("1\n", "x", "d"));
        assertThrows(IllegalArgumentException.class, () -> SseEvent.of("1", "x\ry", "d"));
        assertThrows(IllegalArgumentException.class, () -> sink.comment("a\nb"));
    }

    @Test
    void aFailedWriteClosesOnceAndRunsCallbacks() {
        AtomicInteger callbacks = new AtomicInteger();
        sink.onClose(callbacks::incrementAndGet);
        failWrites = true;
        assertFalse(sink.send(SseEvent.data("x")));
        assertFalse(sink.isOpen());
        assertFalse(sink.send(SseEvent.data("y")));
        sink.close();
        assertEquals(1, callbacks.get());
        assertEquals(1, closes.get());
        sink.onClose(callbacks::incrementAndGet);
        assertEquals(2, callbacks.get(), "a callback added after the close runs at once");
    }

    @Test
    void aDisconnectReportedByTheTransportDoesNotTouchTheOutput() {
        AtomicInteger callbacks = new AtomicInteger();
        sink.onClose(callbacks::incrementAndGet);
        sink.transportClosed();
        assertEquals(1, callbacks.get());
        assertEquals(0, closes.get());
        assertFalse(sink.send(SseEvent.data("x")));
    }
}
