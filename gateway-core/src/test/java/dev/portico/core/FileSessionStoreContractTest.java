package dev.portico.core;

import dev.portico.api.session.SessionStore;
import java.nio.file.Path;

/**
 * The session store contract against the file store. Its read cache is kept tiny (two sessions,
 * two recent messages each) so that pages are read from the transcripts and sessions are evicted
 * and reloaded, not only served from memory.
 */
class FileSessionStoreContractTest extends SessionStoreContract {
    @Override
    protected SessionStore open(Path dir) {
        return FileSessionStore.builder()
                .directory(dir.resolve("sessions"))
                .cachedSessions(2)
                .cachedMessagesPerSession(2)
                .build();
    }

    @Override
    protected boolean persistent() {
        return true;
    }
}
