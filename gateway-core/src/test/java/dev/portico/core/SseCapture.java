package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test help for in-process SSE: run a stream body to its end and split it into events. */
public final class SseCapture {
    private SseCapture() {}

    /**
     * An SSE event as a client sees it.
     *
     * @param id the {@code id:} field, or null
     * @param name the {@code event:} field
     * @param data the {@code data:} lines joined
     */
    public record Event(String id, String name, String data) {}

    /**
     * Runs an SSE body to its end and returns the bytes a client would have received.
     *
     * @param r a response with a stream body
     * @return the stream text
     * @throws Exception when the producer fails
     */
    public static String collect(HttpResponse r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseSink sink = SseSink.over(new SseOutput() {
            @Override
            public void writeAndFlush(byte[] bytes) {
                out.writeBytes(bytes);
            }

            @Override
            public void close() {}
        });
        assertInstanceOf(ResponseBody.Stream.class, r.body()).producer().produce(sink);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Splits stream text into its named events.
     *
     * @param stream the text
     * @return the events in order
     */
    public static List<Event> parse(String stream) {
        List<Event> events = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (name != null) {
                events.add(new Event(id, name, data.toString()));
            }
        }
        return events;
    }
}
