package dev.portico.server.undertow;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets a virtual thread wait for an XNIO channel to become readable or writable without a
 * selector of its own: the channel's listener, on the I/O thread, suspends the interest and
 * releases a permit; the waiting thread parks on the permit.
 *
 * <p>This replaces Undertow's blocking streams, whose waits open a temporary selector per thread
 * (a file descriptor pair that, with one virtual thread per request, is only released when the
 * garbage collector finalizes it) and on JDK 21 occupy a carrier thread while they wait.
 */
final class ChannelReadiness {
    /**
     * The longest park before the channel is tried again. It only matters if a wake-up were lost
     * (a channel closed under the waiter, say); the retry then reports the state of the channel.
     */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final Semaphore ready = new Semaphore(0);

    /** Called by the channel's listener on the I/O thread. */
    void signal() {
        ready.release();
    }

    /**
     * Forgets stale signals; call before re-arming the channel's interest.
     */
    void reset() {
        ready.drainPermits();
    }

    /**
     * Parks until {@link #signal()} or the re-check interval passes.
     *
     * @throws InterruptedIOException when the thread is interrupted
     */
    void await() throws IOException {
        try {
            ready.tryAcquire(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the connection");
        }
    }
}
