package dev.portico.core;

import dev.portico.api.channel.OutboxStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox store contract against the file store: a restart closes it and opens its directory
 * again with the same settings, so everything a test loads after one was read from the journal.
 */
class FileOutboxStoreContractTest extends OutboxStoreContract {
    @TempDir
    Path dir;
    private FileOutboxStore.Builder settings;

    @Override
    protected OutboxStore newStore(Duration retention, int maxRetained, Clock clock) {
        settings = FileOutboxStore.builder()
                .directory(dir.resolve("outbox"))
                .retention(retention)
                .maxRetained(maxRetained)
                .clock(clock);
        return settings.build();
    }

    @Override
    protected OutboxStore reopen(OutboxStore store) {
        store.close();
        return settings.build();
    }
}
