package dev.portico.core.internal;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read piece by piece with a time limit on every wait, so a caller can enforce an
 * idle timeout, notice cancellation and abort the exchange at any moment. The HTTP client pushes
 * pieces as they arrive (one outstanding request at a time, so a slow reader holds back the
 * upstream instead of buffering it); {@link #poll(long)} takes them. {@link #cancel()} aborts the
 * exchange (the connection is closed); {@link #discardRest()} lets the rest of the body arrive and
 * drops it, so the connection can be reused.
 */
public final class StreamingBody implements HttpResponse.BodySubscriber<StreamingBody> {
    /** What {@link #poll(long)} returns once the body has ended. */
    public static final List<ByteBuffer> END = List.of();

    private static final Object COMPLETE = new Object();

    private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    private final CompletableFuture<StreamingBody> self = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private volatile boolean discarding;
    private boolean ended;

    /** Creates a body for one exchange. */
    public StreamingBody() {}

    private record Failure(Throwable cause) {}

    @Override
    public CompletionStage<StreamingBody> getBody() {
        // Complete at once: the response is handed over when its headers arrive, not its end.
        return self;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(discarding ? Long.MAX_VALUE : 1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        if (!discarding && !cancelled) {
            pieces.add(item);
        }
    }

    @Override
    public void onError(Throwable t) {
        pieces.add(new Failure(t));
    }

    @Override
    public void onComplete() {
        pieces.add(COMPLETE);
    }

    /**
     * The next piece of the body.
     *
     * @param timeoutNanos the longest wait
     * @return the piece, {@link #END} once the body has ended, or {@code null} on timeout
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws IOException when the exchange failed (connection reset, malformed response)
     */
    public List<ByteBuffer> poll(long timeoutNanos) throws InterruptedException, IOException {
        if (ended) {
            return END;
        }
        Object next = pieces.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (next == null) {
            return null;
        }
        if (next == COMPLETE) {
            ended = true;
            return END;
        }
        if (next instanceof Failure f) {
            ended = true;
            throw f.cause() instanceof IOException io ? io : new IOException(f.cause());
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.request(1);
        }
        @SuppressWarnings("unchecked")
        List<ByteBuffer> piece = (List<ByteBuffer>) next;
        return piece;
    }

    /** Aborts the exchange: nothing more is read and the connection is closed. */
    public void cancel() {
        cancelled = true;
        pieces.clear();
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Stops reading but lets the rest of the body arrive (and drops it), keeping the connection reusable. */
    public void discardRest() {
        discarding = true;
        pieces.clear();
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.request(Long.MAX_VALUE);
        }
    }
}
