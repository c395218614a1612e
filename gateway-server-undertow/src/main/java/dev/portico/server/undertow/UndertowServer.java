package dev.portico.server.undertow;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketCloseCodes;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * One started Undertow server. It owns its XNIO worker, accepting channel, buffer pool and
 * virtual-thread executor, so that {@link #stop(Duration)} can close the listening socket first
 * (new connections are refused at once) and release everything else after the drain.
 */
final class UndertowServer implements RunningTransport {
    private static final System.Logger LOG = System.getLogger(UndertowServer.class.getName());

    /** The XNIO worker's name; its threads are called {@code portico-undertow I/O-n}. */
    static final String WORKER_NAME = "portico-undertow";

    /** Undertow's own buffer size on machines with more than 128 MiB of heap. */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;

    /**
     * Head-room above {@code maxBodyBytes} before Undertow refuses a body. Undertow counts the bytes
     * it pulls into its buffers, which run ahead of what the core has consumed by up to a buffer, so
     * without it the core could meet Undertow's limit before it sees its own.
     */
    private static final long ENTITY_HEADROOM = 64 * 1024;

    /** How long a stop waits for the XNIO threads to end before forcing them. */
    private static final Duration WORKER_TERMINATION = Duration.ofSeconds(5);

    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> acceptor;
    private final HttpOpenListener openListener;
    private final DefaultByteBufferPool pool;
    private final ExecutorService executor;
    private final ExchangeDispatcher dispatcher;
    private final InetSocketAddress address;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private UndertowServer(XnioWorker worker, AcceptingChannel<StreamConnection> acceptor, HttpOpenListener openListener,
            DefaultByteBufferPool pool, ExecutorService executor, ExchangeDispatcher dispatcher, InetSocketAddress address) {
        this.worker = worker;
        this.acceptor = acceptor;
        this.openListener = openListener;
        this.pool = pool;
        this.executor = executor;
        this.dispatcher = dispatcher;
        this.address = address;
    }

    /**
     * Creates the worker and binds the listener.
     *
     * @param handler receives every request
     * @param options the address and limits
     * @return the running server
     * @throws TransportException when the address cannot be resolved or bound
     */
    static UndertowServer start(GatewayHandler handler, TransportOptions options) {
        String where = options.host() + ":" + options.port();
        InetSocketAddress bindAddress;
        try {
            bindAddress = new InetSocketAddress(InetAddress.getByName(options.host()), options.port());
        } catch (UnknownHostException e) {
            throw new TransportException(where + ": unknown host (expected: a resolvable host name or IP address)", e);
        }

        XnioWorker worker;
        try {
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, WORKER_NAME)
                    // I/O threads only parse and hand off; the work runs on virtual-thread carriers (one
                    // per core). Half as many I/O threads as cores leaves the cores to that work: on
                    // 2 cores, 1 I/O thread served 58k req/s where 2 served 41k and 4 served 29k.
                    .set(Options.WORKER_IO_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors() / 2))
                    // Requests run on virtual threads; the task pool only serves Undertow's own rare dispatches.
                    .set(Options.WORKER_TASK_CORE_THREADS, 1)
                    .set(Options.WORKER_TASK_MAX_THREADS, 2)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .getMap());
        } catch (IOException | RuntimeException e) {
            throw new TransportException(where + ": cannot create the XNIO worker (" + e.getMessage() + ")", e);
        }

        // Heap buffers: freeing pooled direct buffers goes through sun.misc.Unsafe, which JDK 24+
        // warns about on stderr. No thread-local cache: request threads are short-lived virtual threads.
        DefaultByteBufferPool pool = new DefaultByteBufferPool(false, BUFFER_SIZE, -1, 0);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("portico-undertow-", 0).factory());
        ExchangeDispatcher dispatcher = new ExchangeDispatcher(handler, options, executor);
        HttpOpenListener openListener = new HttpOpenListener(pool, undertowOptions(options));
        openListener.setRootHandler(new HttpContinueReadHandler(dispatcher));

        AcceptingChannel<StreamConnection> acceptor;
        try {
            acceptor = worker.createStreamConnectionServer(bindAddress, ChannelListeners.openListenerAdapter(openListener),
                    OptionMap.builder()
                            .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                            .set(Options.TCP_NODELAY, true)
                            .set(Options.REUSE_ADDRESSES, true)
                            .set(Options.BALANCING_TOKENS, 1)
                            .set(Options.BALANCING_CONNECTIONS, 2)
                            .set(Options.BACKLOG, 1000)
                            .getMap());
            acceptor.resumeAccepts();
        } catch (IOException | RuntimeException e) {
            terminate(worker);
            executor.shutdownNow();
            pool.close();
            if (e instanceof BindException && isAddressInUse(e)) {
                throw new TransportException(where + ": address already in use", e);
            }
            throw new TransportException(where + ": cannot listen (" + e.getMessage() + ")", e);
        }

        InetSocketAddress bound = acceptor.getLocalAddress(InetSocketAddress.class);
        UndertowServer server = new UndertowServer(worker, acceptor, openListener, pool, executor, dispatcher,
                bound != null ? bound : bindAddress);
        LOG.log(Level.DEBUG, "Undertow listening on {0}", server.address);
        return server;
    }

    /**
     * The Undertow options that carry the transport's limits. Undertow decides nothing observable
     * for requests the core must see: URLs are not decoded (no 400 for a bad escape), the parameter
     * and header counts are bounded only by the head size, and the entity limit sits above
     * {@code maxBodyBytes} (Undertow's own default is 2 MiB).
     */
    private static OptionMap undertowOptions(TransportOptions options) {
        long idleMillis = options.idleTimeout().toMillis();
        OptionMap.Builder b = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.MAX_HEADER_SIZE, options.maxHeaderBytes())
                .set(UndertowOptions.MAX_HEADERS, options.maxHeaderBytes())
                .set(UndertowOptions.MAX_PARAMETERS, options.maxHeaderBytes())
                .set(UndertowOptions.MAX_COOKIES, options.maxHeaderBytes())
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.MAX_ENTITY_SIZE, saturatedAdd(options.maxBodyBytes(), ENTITY_HEADROOM));
        // Only idle connections between requests time out; a long agent run is not "idle".
        // A zero idle timeout means no timeout.
        if (idleMillis > 0) {
            b.set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, idleMillis));
        }
        return b.getMap();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    private static boolean isAddressInUse(Throwable e) {
        String message = e.getMessage();
        return message == null || message.toLowerCase(java.util.Locale.ROOT).contains("in use");
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops in this order: close the listening socket (new connections are refused), wait up to
     * {@code drain} for in-flight requests, close open WebSockets with 1001 and wait briefly for their
     * close handshakes, close the remaining connections, then end the XNIO threads, the virtual-thread
     * executor and the buffer pool. A second call returns at once.
     *
     * @param drain how long to wait for in-flight requests
     */
    @Override
    public void stop(Duration drain) {
        Objects.requireNonNull(drain, "drain");
        if (drain.isNegative()) {
            throw new IllegalArgumentException("drain: " + drain + " (expected: >= 0)");
        }
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        dispatcher.beginStopping();
        IoUtils.safeClose(acceptor);
        if (!dispatcher.inFlight().awaitIdle(drain)) {
            LOG.log(drain.isZero() ? Level.DEBUG : Level.WARNING, "{0} request(s) still running after the {1} drain on {2}; closing their connections",
                    dispatcher.inFlight().count(), drain, address);
        }
        dispatcher.sockets().closeAll(WebSocketCloseCodes.GOING_AWAY, "server stopping");
        openListener.closeConnections();
        terminate(worker);
        executor.shutdownNow();
        pool.close();
        LOG.log(Level.DEBUG, "Undertow on {0} stopped", address);
    }

    /** Shuts the worker down and waits for its threads, forcing them after a bound. */
    private static void terminate(XnioWorker worker) {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(WORKER_TERMINATION.toMillis(), TimeUnit.MILLISECONDS)) {
                List<Runnable> dropped = worker.shutdownNow();
                LOG.log(Level.WARNING, "XNIO worker did not end within {0}; forced ({1} task(s) dropped)",
                        WORKER_TERMINATION, dropped.size());
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "UndertowServer[" + address + (stopped.get() ? ", stopped]" : "]");
    }
}
