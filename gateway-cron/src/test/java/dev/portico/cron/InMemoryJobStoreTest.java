package dev.portico.cron;

import dev.portico.api.cron.JobStore;

/** The job store contract against the in-memory store; a restart keeps the same instance. */
class InMemoryJobStoreTest extends JobStoreContract {
    @Override
    protected JobStore newStore() {
        return new InMemoryJobStore(maxRunsPerJob());
    }

    @Override
    protected JobStore reopen(JobStore store) {
        return store;
    }
}
