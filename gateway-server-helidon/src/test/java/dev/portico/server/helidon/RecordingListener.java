package dev.portico.server.helidon;

import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The core's side of a socket in tests: echoes text (unless told otherwise) and records what happened. */
class RecordingListener implements WebSocketListener {
    final CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final boolean echo;

    RecordingListener(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onOpen(WebSocketSession session) {
        opened.complete(session);
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        received.add(text);
        if (echo) {
            session.sendText(text);
        }
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        closed.complete(code + " " + reason);
    }

    String awaitClosed() throws Exception {
        return closed.get(5, TimeUnit.SECONDS);
    }

    WebSocketSession awaitOpen() throws Exception {
        return opened.get(5, TimeUnit.SECONDS);
    }
}
