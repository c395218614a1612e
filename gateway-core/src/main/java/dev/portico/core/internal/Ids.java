package dev.portico.core.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random ids for runs and messages. */
final class Ids {
    private Ids() {}

    /**
     * A version-4 style UUID without the {@code SecureRandom} lock {@link UUID#randomUUID()} takes
     * on every call: ids name things, they guard nothing.
     *
     * @return the id, in the usual 36-character form
     */
    static String uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
