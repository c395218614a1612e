package dev.portico.bench;

import dev.portico.api.channel.Channel;
import dev.portico.api.channel.ChannelCapabilities;
import dev.portico.api.channel.ChannelContext;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.channel.OutboundMessage;
import dev.portico.api.channel.OutboxMessage;
import dev.portico.api.transport.TransportOptions;
import dev.portico.channels.webhook.WebhookChannel;
import dev.portico.core.FileOutboxStore;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.Gateway;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox's drain rate, for bench/outbox.sh:
 * {@code drain DIR MESSAGES CHATS CONCURRENCY WARMUP [http|direct]}.
 *
 * <p>Each round writes {@code MESSAGES} pending messages, spread over {@code CHATS} chats of the
 * webhook channel {@code bench}, into a {@link FileOutboxStore} (default fsync policy) with the
 * store alone, and closes it. It then opens the store again, starts a gateway on Helidon with the
 * channel's callback pointing at a {@link Sink} in this JVM and the outbox delivering to
 * {@code CONCURRENCY} chats at once, and waits until the sink has received every message. A first
 * round of {@code WARMUP} messages meets the code cold; the second, of {@code MESSAGES}, is the
 * figure. Each round prints one markdown row: the preload, the store's opening, the time from
 * {@code start()} to the first and to the last message at the sink, the rate, the process's CPU
 * time per message, what the sink received, and the messages still pending in the store once the
 * gateway has stopped (read by opening it again; 0 when every delivery was recorded).
 *
 * <p>With {@code direct} instead of {@code http} (the default) the channel hands each message to
 * the sink's counter in the same thread, with no HTTP at all: what the outbox and its store cost
 * alone.
 */
public final class OutboxBench {
    /** The channel's name in every benchmark. */
    public static final String CHANNEL = "bench";
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final long ROUND_LIMIT_MILLIS = 120_000;

    private OutboxBench() {}

    /**
     * The webhook channel of the benchmarks, delivering to a sink on 127.0.0.1.
     *
     * @param sinkPort the sink's port
     * @return the channel, not started
     */
    public static Channel channel(int sinkPort) {
        return WebhookChannel.builder().name(CHANNEL).secret("bench-webhook-secret")
                .callbackUrl(URI.create("http://127.0.0.1:" + sinkPort + "/replies")).build();
    }

    /** A channel that counts each message at the sink directly: no HTTP. */
    private static Channel direct(Sink sink) {
        return new Channel() {
            @Override
            public String name() {
                return CHANNEL;
            }

            @Override
            public String kind() {
                return "direct";
            }

            @Override
            public ChannelCapabilities capabilities() {
                return new ChannelCapabilities(4000, false, false, ChannelCapabilities.Markdown.NONE, true);
            }

            @Override
            public void start(ChannelContext context) {}

            @Override
            public void stop() {}

            @Override
            public DeliveryResult send(OutboundMessage message) {
                sink.count(message.idempotencyKey());
                return DeliveryResult.delivered(message.idempotencyKey());
            }
        };
    }

    /**
     * A file outbox store.
     *
     * @param dir its directory
     * @param fsync {@code batched} (the default policy), {@code always} or {@code never}
     * @return the open store
     */
    public static FileOutboxStore store(Path dir, String fsync) {
        FsyncPolicy policy = switch (fsync) {
            case "batched" -> FsyncPolicy.BATCHED;
            case "always" -> FsyncPolicy.ALWAYS;
            case "never" -> FsyncPolicy.NEVER;
            default -> throw new IllegalArgumentException("fsync: " + fsync + " (expected: batched, always or never)");
        };
        return FileOutboxStore.builder().directory(dir).fsync(policy).build();
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code drain DIR MESSAGES CHATS CONCURRENCY WARMUP [http|direct]}
     * @throws Exception when a round cannot run
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 6 || args.length > 7 || !args[0].equals("drain")
                || (args.length == 7 && !List.of("http", "direct").contains(args[6]))) {
            throw new IllegalArgumentException("usage: OutboxBench drain DIR MESSAGES CHATS CONCURRENCY WARMUP "
                    + "[http|direct]");
        }
        boolean direct = args.length == 7 && args[6].equals("direct");
        Path dir = Path.of(args[1]);
        int messages = Integer.parseInt(args[2]);
        int chats = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        Files.createDirectories(dir);
        try (Sink sink = Sink.start()) {
            if (warmup > 0) {
                round(sink, direct, dir.resolve("c" + concurrency + "-cold"), "first (cold JVM)", warmup, chats,
                        concurrency);
            }
            round(sink, direct, dir.resolve("c" + concurrency + "-warm"), "second", messages, chats, concurrency);
        }
    }

    private static void round(Sink sink, boolean direct, Path dir, String label, int messages, int chats,
            int concurrency) throws InterruptedException {
        long t0 = System.nanoTime();
        try (FileOutboxStore store = store(dir, "batched")) {
            Instant now = Instant.now();
            for (int i = 0; i < messages; i++) {
                store.add(OutboxMessage.pending(UUID.randomUUID().toString(), CHANNEL, Channel.DEFAULT_ACCOUNT,
                        "chat-" + (i % chats), Optional.empty(), "hello from the outbox benchmark, message " + i,
                        Map.of(), "api", Optional.empty(), Optional.empty(), now));
            }
        }
        long preloadNanos = System.nanoTime() - t0;
        System.gc();
        sink.expect(messages);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long open0 = System.nanoTime();
        FileOutboxStore store = store(dir, "batched");
        long start = System.nanoTime();
        RunningGateway gateway = Gateway.builder().token(TOKEN).noRateLimits()
                .channel(direct ? direct(sink) : channel(sink.port()))
                .outboxStore(store).outboxConcurrency(concurrency).build()
                .start(new HelidonTransport(), TransportOptions.builder().port(0).build());
        boolean all = sink.await(ROUND_LIMIT_MILLIS);
        long end = all ? sink.reachedAt() : System.nanoTime();
        long cpu = os.getProcessCpuTime() - cpu0;
        gateway.stop(Duration.ofSeconds(5));
        int pendingAfter;
        try (FileOutboxStore reopened = store(dir, "batched")) {
            pendingAfter = (int) reopened.load().stream().filter(m -> !m.status().terminal()).count();
        }
        double allMillis = (end - start) / 1e6;
        System.out.printf("| %s | %d | %,d | %d | %,.0f | %.0f | %.0f | %,.0f%s | **%,.0f** | %.0f | %.2f | %,d | %,d | %,d |%n",
                label + (direct ? ", direct" : ""), concurrency, messages, chats, preloadNanos / 1e6, (start - open0) / 1e6,
                sink.firstAt() == 0 ? Double.NaN : (sink.firstAt() - start) / 1e6, allMillis,
                all ? "" : " (timed out)", sink.distinct() / (allMillis / 1e3), cpu / 1e3 / Math.max(1, sink.distinct()),
                cpu / 1e6 / ((end - open0) / 1e6), sink.received(), sink.received() - sink.distinct(), pendingAfter);
        System.out.flush();
    }
}
