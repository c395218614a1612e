package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What only the in-memory store does: its per-session bound. The shared contract is elsewhere. */
class InMemorySessionStoreTest {
    @Test
    void eachSessionKeepsAtMostItsBoundAndIndexesKeepCounting() {
        InMemorySessionStore store = new InMemorySessionStore(Clock.systemUTC(), 4);
        SessionKey a = SessionKey.of("a");
        for (int i = 0; i < 20; i++) {
            store.append(a, Message.user("m" + i, Instant.EPOCH));
        }
        HistoryPage page = store.history(a, 100, Long.MAX_VALUE);
        assertEquals(List.of("m16", "m17", "m18", "m19"), page.messages().stream().map(Message::content).toList());
        assertEquals(16, page.firstIndex());
        assertEquals(20, page.total());
        assertEquals(20, store.info(a).orElseThrow().messageCount());
    }
}
