package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseParserTest {

    /** Feeds {@code text} in pieces of {@code size} bytes, then ends the stream. */
    static List<SseParser.Event> parse(String text, int size) throws SseParser.LineTooLong {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser(1024);
        List<SseParser.Event> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            parser.feed(ByteBuffer.wrap(bytes, i, Math.min(size, bytes.length - i)), out);
        }
        parser.finish(out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 4096})
    void eventsSurviveAnySplitIncludingInsideACharacter(int size) throws Exception {
        String stream = ": comment\n\nevent: message\ndata: {\"a\":\"héllo 🌍\"}\r\n\r\nid: 7\nretry: 10\ndata:x\rdata: y\r\r"
                + "data\n\ndata: [DONE]\n\n";
        assertEquals(List.of(
                new SseParser.Event("message", "{\"a\":\"héllo 🌍\"}"),
                new SseParser.Event("", "x\ny"),
                new SseParser.Event("", ""),
                new SseParser.Event("", "[DONE]")), parse(stream, size));
    }

    @Test
    void aLastEventWithoutItsBlankLineIsStillDelivered() throws Exception {
        assertEquals(List.of(new SseParser.Event("", "tail")), parse("data: tail", 3));
        assertEquals(List.of(new SseParser.Event("", "tail")), parse("data: tail\n", 3));
        assertEquals(List.of(), parse(": nothing but a comment\n", 3));
    }

    @Test
    void anOverlongLineIsRefused() {
        SseParser parser = new SseParser(16);
        assertThrows(SseParser.LineTooLong.class, () -> parser.feed(
                ByteBuffer.wrap("data: 0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII)), new ArrayList<>()));
    }
}
