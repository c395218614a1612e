package dev.portico.tck;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Assertions;

/**
 * A WebSocket client that records what it receives, so a test waits for the next text message or
 * for the close with a deadline.
 */
final class WsClient extends WebSocketClient {

    /**
     * How the socket closed, as the client saw it.
     *
     * @param code the close code
     * @param reason the close reason
     * @param remote whether the server started the close
     */
    record Closed(int code, String reason, boolean remote) {}

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final List<Exception> errors = new CopyOnWriteArrayList<>();

    private WsClient(URI uri, Map<String, String> headers) {
        super(uri, headers);
        setConnectionLostTimeout(0);
    }

    /**
     * Connects and completes the handshake.
     *
     * @param uri the {@code ws://} URI
     * @param headers extra handshake headers, such as {@code Authorization}
     * @param timeout how long the handshake may take
     * @return the open client
     */
    static WsClient connect(URI uri, Map<String, String> headers, Duration timeout) {
        WsClient client = new WsClient(uri, headers);
        boolean open;
        try {
            open = client.connectBlocking(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.abort();
            return Assertions.fail("interrupted during the WebSocket handshake with " + uri);
        }
        if (!open) {
            client.abort();
            return Assertions.fail("WebSocket handshake with " + uri + " did not complete within "
                    + timeout.toMillis() + " ms; close: " + client.closed.getNow(null) + ", errors: " + client.errors);
        }
        return client;
    }

    /**
     * The next text message.
     *
     * @param timeout how long to wait
     * @return the message
     */
    String next(Duration timeout) {
        try {
            String message = messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (message == null) {
                return Assertions.fail("no WebSocket message within " + timeout.toMillis() + " ms; close: "
                        + closed.getNow(null));
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted while waiting for a WebSocket message");
        }
    }

    /**
     * The next text message, parsed as a JSON object.
     *
     * @param timeout how long to wait
     * @return the object
     */
    JsonObject nextJson(Duration timeout) {
        return Reply.parseObject(next(timeout), "WebSocket message");
    }

    /**
     * Waits for the socket to close.
     *
     * @param timeout how long to wait
     * @return how it closed
     */
    Closed awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Assertions.fail("the WebSocket did not close within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Assertions.fail("the WebSocket close failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted while waiting for the WebSocket to close");
        }
    }

    /** Drops the connection without a close handshake (test clean-up). */
    void abort() {
        if (!closed.isDone()) {
            closeConnection(CloseFrame.ABNORMAL_CLOSE, "test finished");
        }
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        // connectBlocking reports the open.
    }

    @Override
    public void onMessage(String message) {
        messages.add(message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(new Closed(code, reason, remote));
    }

    @Override
    public void onError(Exception error) {
        errors.add(error);
    }
}
