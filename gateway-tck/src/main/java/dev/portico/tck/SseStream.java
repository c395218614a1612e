package dev.portico.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Reads server-sent events from a response body as they arrive, the way a browser's
 * {@code EventSource} does: {@code id:}, {@code event:} and {@code data:} fields (one optional space
 * after the colon is dropped, several {@code data:} lines join with {@code \n}), comment lines
 * starting with {@code :} ignored, and a blank line ending each event. Lines may end with LF, CRLF
 * or CR.
 *
 * <p>A virtual thread parses the stream into a queue, so a test waits for the next event with a
 * deadline and sees at once when the stream ends.
 */
final class SseStream implements AutoCloseable {

    /**
     * One parsed event.
     *
     * @param id the last {@code id:} value, when the event had one
     * @param event the {@code event:} value, when present
     * @param data the joined {@code data:} lines
     */
    record Event(Optional<String> id, Optional<String> event, String data) {}

    private sealed interface Item {}

    private record Received(Event event) implements Item {}

    private record Ended(Optional<Throwable> failure) implements Item {}

    private final InputStream body;
    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private volatile boolean closing;
    private boolean ended;
    /** A byte read after a CR to see whether LF follows, to be returned first next time; -1 when none. */
    private int pending = -1;

    private SseStream(InputStream body) {
        this.body = body;
    }

    /**
     * Starts parsing {@code body}.
     *
     * @param body the response body, already de-chunked
     * @return the stream
     */
    static SseStream over(InputStream body) {
        SseStream stream = new SseStream(body);
        Thread.ofVirtual().name("tck-sse-reader").start(stream::pump);
        return stream;
    }

    /**
     * The next event.
     *
     * @param timeout how long to wait
     * @return the event
     */
    Event next(Duration timeout) {
        Item item = poll(timeout);
        if (item == null) {
            return Assertions.fail("no server-sent event arrived within " + timeout.toMillis() + " ms");
        }
        if (item instanceof Ended end) {
            ended = true;
            return Assertions.fail("the event stream ended while an event was expected"
                    + end.failure().map(t -> " (" + t + ")").orElse(""), end.failure().orElse(null));
        }
        return ((Received) item).event();
    }

    /**
     * Asserts that the stream ends (the server ends the response) within {@code timeout} without
     * any further event.
     *
     * @param timeout how long to wait
     */
    void assertEnds(Duration timeout) {
        if (ended) {
            return;
        }
        Item item = poll(timeout);
        if (item == null) {
            Assertions.fail("the event stream did not end within " + timeout.toMillis() + " ms");
        } else if (item instanceof Received r) {
            Assertions.fail("expected the event stream to end, got another event: " + r.event());
        } else {
            ended = true;
        }
    }

    /** Stops reading and closes the body, which disconnects an HTTP/1.1 client. */
    @Override
    public void close() {
        closing = true;
        try {
            body.close();
        } catch (IOException e) {
            // The stream is abandoned either way.
        }
    }

    private Item poll(Duration timeout) {
        try {
            return items.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted while waiting for a server-sent event");
        }
    }

    private void pump() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try {
            String line;
            while ((line = readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null || name != null) {
                        items.add(new Received(new Event(Optional.ofNullable(id), Optional.ofNullable(name),
                                data == null ? "" : data.toString())));
                    }
                    name = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> name = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                        // retry: and unknown fields are ignored, as EventSource does.
                    }
                }
            }
            items.add(new Ended(Optional.empty()));
        } catch (IOException | RuntimeException e) {
            items.add(new Ended(closing ? Optional.empty() : Optional.of(e)));
        }
    }

    /** @return one line without its terminator (LF, CRLF or CR), UTF-8 decoded; null at the end */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = pending >= 0 ? pending : body.read();
        pending = -1;
        if (b < 0) {
            return null;
        }
        while (b >= 0) {
            if (b == '\n') {
                break;
            }
            if (b == '\r') {
                int next = body.read();
                if (next != '\n') {
                    pending = next;
                }
                break;
            }
            line.write(b);
            b = body.read();
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
