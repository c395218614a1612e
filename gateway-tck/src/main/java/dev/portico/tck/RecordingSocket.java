package dev.portico.tck;

import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;

/**
 * The kit's own WebSocket listener: it echoes every text message, closes with {@code 4000 "bye"}
 * when asked to with {@link #CLOSE_ME}, and records the open and the close code the transport
 * reported, so tests see the server side of a socket without any gateway route.
 */
final class RecordingSocket implements WebSocketListener {
    /** The message that makes the server close the socket with 4000 "bye". */
    static final String CLOSE_ME = "tck:close-4000";

    private final CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocketSession session) {
        opened.complete(session);
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        if (CLOSE_ME.equals(text)) {
            session.close(4000, "bye");
        } else {
            session.sendText(text);
        }
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        closeCode.complete(code);
    }

    /**
     * Waits until the transport reported the socket open.
     *
     * @param timeout how long to wait
     * @return the session
     */
    WebSocketSession awaitOpen(Duration timeout) {
        return await(opened, timeout, "the listener's onOpen was not called");
    }

    /**
     * Waits until the transport reported the close.
     *
     * @param timeout how long to wait
     * @return the close code the listener received
     */
    int awaitCloseCode(Duration timeout) {
        return await(closeCode, timeout, "the listener's onClose was not called");
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Assertions.fail(what + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Assertions.fail(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted: " + what);
        }
    }
}
