package dev.portico.bench;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.core.FileSessionStore;
import dev.portico.core.FsyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The file session store's benchmark, for bench/store.sh. Each command prints one line of
 * {@code name=value} figures:
 *
 * <ul>
 *   <li>{@code append DIR POLICY SESSIONS MESSAGES}: one virtual thread per session appends its
 *       share of MESSAGES (200-byte messages), all at once, after a warm-up in another directory;
 *       three runs, each in a fresh store; prints the median messages per second and the range;
 *   <li>{@code sequential DIR POLICY MESSAGES}: one thread appends MESSAGES to one session (the
 *       latency of a lone append);
 *   <li>{@code populate DIR SESSIONS MESSAGES_PER_SESSION}: fills a store (channels api, telegram,
 *       webchat, cron) and closes it;
 *   <li>{@code open DIR}: opens the store (in a fresh JVM this is what startup costs), lists once,
 *       then times 200 more lists and a filtered list;
 *   <li>{@code history DIR}: times the latest page and an old page of a long session.
 * </ul>
 */
public final class StoreBench {
    private static final String TEXT = "x".repeat(150) + " some words to make it look like a message";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private StoreBench() {}

    /**
     * Runs one command.
     *
     * @param args the command and its arguments
     * @throws Exception when the benchmark itself fails
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "append" -> {
                Path dir = Path.of(args[1]);
                FsyncPolicy policy = FsyncPolicy.valueOf(args[2].toUpperCase(Locale.ROOT));
                int sessions = Integer.parseInt(args[3]);
                int messages = Integer.parseInt(args[4]);
                concurrent(dir.resolve("warmup"), policy, Math.min(sessions, 200), Math.min(messages, 10_000));
                double[] rates = new double[3];
                double[] closes = new double[3];
                for (int run = 0; run < rates.length; run++) {
                    double[] r = concurrent(dir.resolve("run-" + run), policy, sessions, messages);
                    rates[run] = messages / r[0];
                    closes[run] = r[1];
                }
                Arrays.sort(rates);
                Arrays.sort(closes);
                System.out.printf(Locale.ROOT, "policy=%s sessions=%d messages=%d msgs_per_s=%.0f (runs: %.0f..%.0f)"
                        + " close_ms=%.1f%n", policy, sessions, messages, rates[1], rates[0], rates[2], closes[1]);
            }
            case "sequential" -> {
                Path dir = Path.of(args[1]);
                FsyncPolicy policy = FsyncPolicy.valueOf(args[2].toUpperCase(Locale.ROOT));
                int messages = Integer.parseInt(args[3]);
                try (FileSessionStore store = FileSessionStore.builder().directory(dir).fsync(policy).build()) {
                    SessionKey k = SessionKey.of("sequential");
                    for (int i = 0; i < Math.min(messages, 2_000); i++) {
                        store.append(k, Message.user(TEXT, T0.plusMillis(i)));
                    }
                    long start = System.nanoTime();
                    for (int i = 0; i < messages; i++) {
                        store.append(k, Message.user(TEXT, T0.plusMillis(i)));
                    }
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "policy=%s messages=%d msgs_per_s=%.0f us_per_append=%.1f%n",
                            policy, messages, messages / s, s * 1e6 / messages);
                }
            }
            case "populate" -> populate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "open" -> open(Path.of(args[1]));
            case "history" -> history(Path.of(args[1]));
            default -> throw new IllegalArgumentException("command: " + args[0]
                    + " (expected: append, sequential, populate, open or history)");
        }
    }

    /** Returns {seconds appending, milliseconds closing}. */
    private static double[] concurrent(Path dir, FsyncPolicy policy, int sessions, int messages) throws Exception {
        int each = messages / sessions;
        FileSessionStore store = FileSessionStore.builder().directory(dir).fsync(policy).build();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                SessionKey k = SessionKey.of("telegram:bench:" + s);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.append(k, Message.user(TEXT, T0.plusMillis(i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long closeStart = System.nanoTime();
        store.close();
        double closeMs = (System.nanoTime() - closeStart) / 1e6;
        return new double[] {seconds, closeMs};
    }

    private static void populate(Path dir, int sessions, int perSession) throws Exception {
        String[] channels = {"api", "telegram", "webchat", "cron"};
        try (FileSessionStore store = FileSessionStore.builder().directory(dir).fsync(FsyncPolicy.NEVER).build();
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int id = s;
                futures.add(pool.submit(() -> {
                    String channel = channels[id % channels.length];
                    SessionKey k = SessionKey.of(channel + ":acct:" + id);
                    store.create(k, new SessionMeta(channel, Optional.of(Integer.toString(id)), Optional.empty()));
                    for (int i = 0; i < perSession; i++) {
                        store.append(k, Message.user(TEXT, T0.plusSeconds(id * 7L % 100_000 + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
            SessionKey longOne = SessionKey.of("long");
            for (int i = 0; i < 100_000; i++) {
                store.append(longOne, Message.user(TEXT + i, T0.plusMillis(i)));
            }
        }
        System.out.printf(Locale.ROOT, "populated=%d sessions + one of 100000 messages, bytes=%d%n", sessions, size(dir));
    }

    private static void open(Path dir) {
        long start = System.nanoTime();
        FileSessionStore store = FileSessionStore.open(dir);
        double openMs = (System.nanoTime() - start) / 1e6;
        long listStart = System.nanoTime();
        int n = store.list(SessionQuery.all(50)).size();
        double firstListMs = (System.nanoTime() - listStart) / 1e6;
        SessionQuery everything = new SessionQuery(Optional.empty(), true, 0, 50);
        double[] times = new double[200];
        for (int i = 0; i < times.length; i++) {
            long t = System.nanoTime();
            store.list(everything);
            times[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(times);
        long t = System.nanoTime();
        int filtered = store.list(new SessionQuery(Optional.of("telegram"), false, 100, 50)).size();
        double filteredMs = (System.nanoTime() - t) / 1e6;
        long count = store.count(everything);
        store.close();
        System.out.printf(Locale.ROOT,
                "sessions=%d open_ms=%.0f first_list_ms=%.1f list_median_ms=%.2f list_p99_ms=%.2f filtered_list_ms=%.2f"
                        + " (listed %d, %d)%n",
                count, openMs, firstListMs, times[times.length / 2], times[(int) (times.length * 0.99)], filteredMs, n,
                filtered);
    }

    private static void history(Path dir) {
        try (FileSessionStore store = FileSessionStore.open(dir)) {
            SessionKey k = SessionKey.of("long");
            long t = System.nanoTime();
            store.history(k, 50, Long.MAX_VALUE);
            double firstMs = (System.nanoTime() - t) / 1e6;
            double[] latest = time(() -> store.history(k, 50, Long.MAX_VALUE));
            double[] old = time(() -> store.history(k, 50, 1_000));
            System.out.printf(Locale.ROOT, "messages=%d first_page_ms=%.1f latest_page_median_us=%.1f"
                    + " old_page_median_us=%.1f%n", store.info(k).orElseThrow().messageCount(), firstMs,
                    latest[latest.length / 2] * 1000, old[old.length / 2] * 1000);
        }
    }

    private static double[] time(Runnable r) {
        double[] times = new double[500];
        for (int i = 0; i < times.length; i++) {
            long t = System.nanoTime();
            r.run();
            times[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(times);
        return times;
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
