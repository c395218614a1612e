package dev.portico.core;

import dev.portico.api.channel.OutboxStore;
import java.time.Clock;
import java.time.Duration;

/** The outbox store contract against the in-memory store: a restart keeps the same store. */
class InMemoryOutboxStoreContractTest extends OutboxStoreContract {
    @Override
    protected OutboxStore newStore(Duration retention, int maxRetained, Clock clock) {
        return new InMemoryOutboxStore(retention, maxRetained, clock);
    }

    @Override
    protected OutboxStore reopen(OutboxStore store) {
        return store;
    }
}
