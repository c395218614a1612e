package dev.portico.core;

import dev.portico.api.session.SessionStore;
import java.nio.file.Path;

/** The session store contract against the in-memory store. */
class InMemorySessionStoreContractTest extends SessionStoreContract {
    @Override
    protected SessionStore open(Path dir) {
        return new InMemorySessionStore();
    }
}
