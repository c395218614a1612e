package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest {
    final InMemorySessionStore store = new InMemorySessionStore(4);
    final SessionKey a = SessionKey.of("a");

    @Test
    void historyIsTheMostRecentMessagesOldestFirst() {
        for (int i = 0; i < 3; i++) {
            store.append(a, Message.user("m" + i, Instant.EPOCH));
        }
        assertEquals(List.of("m1", "m2"), store.history(a, 2).stream().map(Message::content).toList());
        assertEquals(3, store.history(a, 100).size());
        assertTrue(store.history(SessionKey.of("none"), 5).isEmpty());
    }

    @Test
    void eachSessionKeepsAtMostItsBound() {
        for (int i = 0; i < 20; i++) {
            store.append(a, Message.user("m" + i, Instant.EPOCH));
        }
        assertEquals(List.of("m16", "m17", "m18", "m19"), store.history(a, 100).stream().map(Message::content).toList());
    }

    @Test
    void keysAreSortedAndDeleteForgets() {
        store.append(SessionKey.of("b"), Message.user("x", Instant.EPOCH));
        store.append(a, Message.user("x", Instant.EPOCH));
        assertEquals(List.of(a, SessionKey.of("b")), store.keys());
        assertTrue(store.delete(a));
        assertFalse(store.exists(a));
        assertFalse(store.delete(a));
    }
}
