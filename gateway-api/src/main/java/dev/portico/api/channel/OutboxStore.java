package dev.portico.api.channel;

import java.util.List;

/**
 * Where the outbox keeps the messages it has accepted, so that none is lost across a restart and
 * none is sent again once delivered.
 *
 * <p>Implementations are safe for concurrent use. A message passed to {@link #add} is kept (to the
 * store's durability policy) when the call returns; the caller is answered only then. Progress
 * passed to {@link #update} may be written later, with other updates: after a crash a message may
 * be tried again (delivery is at least once), but a message is never lost.
 */
public interface OutboxStore extends AutoCloseable {

    /**
     * Every pending message, and the finished ones that carry an idempotency key and are still
     * within the store's retention, so that a repeated request gets its first answer.
     *
     * @return the messages, oldest first
     * @throws OutboxStoreException when the store cannot be read at all
     */
    List<OutboxMessage> load();

    /**
     * Keeps a new message.
     *
     * @param message a pending message
     * @throws OutboxStoreException when it cannot be written; the caller must not acknowledge it
     */
    void add(OutboxMessage message);

    /**
     * Records a message's progress or its end.
     *
     * @param message the message as it now stands
     * @throws OutboxStoreException when it cannot be written
     */
    void update(OutboxMessage message);

    /**
     * Writes what {@link #update} holds back.
     *
     * @throws OutboxStoreException when it cannot be written
     */
    void flush();

    /** Flushes and releases the store. */
    @Override
    void close();
}
