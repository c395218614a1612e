package dev.portico.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportWebSocketTest {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    final CountDownLatch releaseWrites = new CountDownLatch(1);
    volatile boolean blockWrites;

    final WebSocketOutput output = new WebSocketOutput() {
        @Override
        public void sendText(String text) {
            if (blockWrites) {
                try {
                    releaseWrites.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            sent.add("close " + code + " " + reason);
        }
    };

    final WebSocketListener listener = new WebSocketListener() {
        @Override
        public void onOpen(WebSocketSession session) {
            events.add("open");
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            events.add("text " + text);
            session.sendText("echo " + text);
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            events.add("close " + code);
            closed.countDown();
        }
    };

    TransportWebSocket socket(long bound) {
        return TransportWebSocket.create(HttpRequest.builder().build(), listener, output, bound);
    }

    @Test
    void callbacksRunInOrderAndCloseIsReportedOnce() throws Exception {
        TransportWebSocket ws = socket(1024);
        ws.opened();
        ws.received("a");
        ws.received("b");
        ws.closedByPeer(WebSocketCloseCodes.NORMAL, "done");
        ws.closedByPeer(WebSocketCloseCodes.ABNORMAL, "");
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("open", "text a", "text b", "close 1000"), events);
        assertFalse(ws.sendText("late"));
    }

    @Test
    void queuedMessagesGoOutBeforeTheClose() throws Exception {
        blockWrites = true;
        TransportWebSocket ws = socket(1024);
        assertTrue(ws.sendText("x"));
        assertTrue(ws.sendText("y"));
        ws.close(WebSocketCloseCodes.NORMAL, "bye");
        assertFalse(ws.sendText("z"), "nothing is queued once closing started");
        releaseWrites.countDown();
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("x", "y", "close 1000 bye"), sent);
    }

    @Test
    void aPeerThatFallsBehindIsClosedWith1008() throws Exception {
        blockWrites = true;
        TransportWebSocket ws = socket(10);
        assertTrue(ws.sendText("12345"));
        assertTrue(ws.sendText("67890"));
        assertFalse(ws.sendText("x"), "over the bound of 10 bytes");
        assertFalse(ws.isOpen());
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("close 1008"), events);
        releaseWrites.countDown();
    }

    @Test
    void aCloseThisSideStartedIsReportedWithItsOwnCode() throws Exception {
        TransportWebSocket ws = socket(1024);
        ws.close(WebSocketCloseCodes.GOING_AWAY, "server stopping");
        ws.closedByPeer(WebSocketCloseCodes.NORMAL, "peer echo");
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("close 1001"), events);
    }

    @Test
    void utf8LengthCountsBytesNotChars() {
        assertEquals(1, TransportWebSocket.utf8Length("a"));
        assertEquals(2, TransportWebSocket.utf8Length("é"));
        assertEquals(3, TransportWebSocket.utf8Length("你"));
        assertEquals(4, TransportWebSocket.utf8Length("🌍"));
    }
}
