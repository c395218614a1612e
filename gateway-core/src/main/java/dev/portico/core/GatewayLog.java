package dev.portico.core;

import dev.portico.auth.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's log file: a {@link Handler} for {@code java.util.logging} (where
 * {@link System.Logger} goes) that writes one JSON object per line to {@code <dir>/gateway.log}:
 *
 * <pre>{@code
 * {"time":"2026-05-10T00:00:00.123Z","level":"INFO","logger":"dev.portico.core.internal.Conversations",
 *  "msg":"run finished","run_id":"…","duration_ms":12,"error":"java.io.IOException: boom"}
 * }</pre>
 *
 * <p><b>Levels</b> are named {@code ERROR} ({@code SEVERE}), {@code WARN} ({@code WARNING}),
 * {@code INFO} ({@code INFO}, {@code CONFIG}), {@code DEBUG} ({@code FINE}) and {@code TRACE}
 * ({@code FINER}, {@code FINEST}). The message is formatted as {@code java.util.logging} formats it
 * ({@link MessageFormat} when there are parameters and it holds {@code {0}}).
 *
 * <p><b>Fields.</b> A {@link Map} passed as a log parameter — made with {@link #fields} — adds its
 * entries to the line as top-level fields: {@code LOG.log(Level.INFO, "run finished",
 * GatewayLog.fields("run_id", id, "duration_ms", 12))}. A field named like one of the line's own
 * ({@code time}, {@code level}, {@code logger}, {@code msg}, {@code error}) is written with a
 * trailing {@code _}. A {@link Throwable} parameter is the line's {@code error} when the record
 * has no thrown exception of its own.
 *
 * <p><b>Rotation.</b> A line that would take {@code gateway.log} past {@code maxFileBytes} (10 MiB by
 * default) first renames it to {@code gateway.log.1} (and {@code .1} to {@code .2}, …), keeping at
 * most {@code maxFiles} files (5 by default) in all; the oldest is deleted. The file is created
 * owner-only where the file system has POSIX permissions. Each line goes to the file in one write
 * as it is logged, so a crash of the process loses nothing logged before it. A write that fails
 * never throws into the code that logged: the first failure is reported on stderr through
 * {@link #reportError}.
 *
 * <p><b>Redaction.</b> No token, password or API key is written: every value registered with
 * {@link #redact(String)} is replaced with {@code [redacted]} in messages, fields and errors, and so
 * is whatever looks like a credential, registered or not — {@code Bearer …}, {@code Basic …},
 * {@code token=…} (query strings included), {@code api_key}, {@code apiKey}, {@code password} and
 * {@code secret} values in {@code key=value}, {@code key: value} and JSON form, {@code sk-…} keys,
 * and the password of a URL. A field whose name ends in {@code token}, {@code key}, {@code password},
 * {@code secret} or {@code authorization} is replaced whatever its value. What is read back is
 * redacted again.
 *
 * <p><b>Reading back.</b> {@link #recent} and {@link #query} read the files on disk (so they see what
 * earlier runs wrote), from the end, across rotated files when needed. {@link #subscribe} delivers
 * each entry once it is written.
 */
public final class GatewayLog extends Handler implements AutoCloseable {
    /** The size past which the file is rotated, by default: 10 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** How many files are kept by default, {@code gateway.log} included. */
    public static final int DEFAULT_MAX_FILES = 5;
    /** How many entries a query returns when it does not say. */
    public static final int DEFAULT_QUERY_LIMIT = 100;
    /** The most entries one query returns. */
    public static final int MAX_QUERY_LIMIT = 1000;
    /** How many entries wait for a slow subscriber before more are dropped. */
    public static final int SUBSCRIBER_QUEUE = 1024;
    /** The names of the levels, lowest first. */
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Set<String> OWN_FIELDS = Set.of("time", "level", "logger", "msg", "error");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /**
     * Lines are in the order they were written, and their times only go back by the moment between
     * a record's time stamp and its write; a query with {@code since} stops reading this far past it.
     */
    private static final Duration SINCE_SLACK = Duration.ofMinutes(1);
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})([smhd])", Pattern.CASE_INSENSITIVE);

    private final Path dir;
    private final Path file;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Clock clock;
    private final LogRedactor redactor = new LogRedactor();
    private final ReentrantLock lock = new ReentrantLock();
    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    /** The file being written; null after a failure, until the next record opens it again. */
    private FileChannel out;
    private long size;
    private volatile boolean closed;

    private GatewayLog(Builder b) {
        this.dir = b.directory;
        this.file = dir.resolve(LogFiles.CURRENT);
        this.maxFileBytes = b.maxFileBytes;
        this.maxFiles = b.maxFiles;
        this.clock = b.clock;
        try {
            Tokens.createOwnerOnlyDirectory(dir);
            openFile();
        } catch (IOException e) {
            throw new UncheckedIOException("log: could not open " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Opens the log in a directory with the default rotation.
     *
     * @param dir the directory, created (owner-only) when missing
     * @return the log, appending to {@code <dir>/gateway.log}
     * @throws UncheckedIOException naming the file when it cannot be opened
     */
    public static GatewayLog open(Path dir) {
        return builder().directory(dir).build();
    }

    /**
     * A builder for a log with other rotation settings or another clock.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Structured fields for a log line, to pass as a log parameter:
     * {@code LOG.log(Level.INFO, "run finished", GatewayLog.fields("run_id", id, "duration_ms", 12))}.
     * Values should be strings, numbers or booleans; others are written as their text.
     *
     * @param keysAndValues a name, then its value, and so on
     * @return the fields in the order given, unmodifiable
     * @throws IllegalArgumentException for an odd count, or a name that is not a non-empty string
     */
    public static Map<String, Object> fields(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields: " + keysAndValues.length
                    + " arguments (expected: pairs of a name and a value)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String name) || name.isEmpty()) {
                throw new IllegalArgumentException("fields: argument " + i + " is " + keysAndValues[i]
                        + " (expected: a field name, a non-empty string)");
            }
            m.put(name, keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Logs a message with both an exception and fields, which {@link System.Logger} cannot take in
     * one call. The record goes to the {@code java.util.logging} logger of the same name, where
     * {@code System.Logger} sends it by default, so that handlers see the exception (a console prints
     * its stack trace) and a {@code GatewayLog} the fields. When {@code System.Logger} goes elsewhere
     * (another {@link System.LoggerFinder}), the message and the exception are logged through it, the
     * fields left out.
     *
     * @param logger the logger
     * @param level the level
     * @param msg the message
     * @param thrown the exception
     * @param fields the fields, made with {@link #fields}
     */
    public static void log(System.Logger logger, System.Logger.Level level, String msg, Throwable thrown,
            Map<String, ?> fields) {
        java.util.logging.Logger jul = java.util.logging.LogManager.getLogManager().getLogger(logger.getName());
        if (jul == null) {
            logger.log(level, msg, thrown);
            return;
        }
        Level julLevel = switch (level) {
            case ALL -> Level.ALL;
            case TRACE -> Level.FINER;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case ERROR -> Level.SEVERE;
            case OFF -> Level.OFF;
        };
        if (!jul.isLoggable(julLevel)) {
            return;
        }
        LogRecord r = new LogRecord(julLevel, msg);
        r.setLoggerName(jul.getName());
        r.setSourceClassName(jul.getName());
        r.setThrown(thrown);
        r.setParameters(new Object[] {fields});
        jul.log(r);
    }

    /**
     * Registers a secret: from now on it is replaced with {@code [redacted]} wherever it would be
     * written or read back, and so is its URL-encoded form.
     *
     * @param secret the exact value; blank values and values shorter than 4 characters are ignored
     */
    public void redact(String secret) {
        redactor.register(secret);
    }

    /**
     * A text as the log writes it: every registered secret and every value that looks like one
     * replaced with {@code [redacted]}; for the other places lines go, such as the console.
     *
     * @param text the text
     * @return the text redacted
     */
    public String redacted(String text) {
        return redactor.redact(text);
    }

    /** @return the directory of the log files */
    public Path directory() {
        return dir;
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        Entry entry;
        byte[] line;
        try {
            entry = entry(record);
            line = (entry.json() + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            failed("a record could not be formatted", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                write(line);
            } catch (IOException e) {
                closeQuietly();
                failed("could not write " + file + " (" + e.getMessage() + ")", e, ErrorManager.WRITE_FAILURE);
            }
            for (Subscription s : subscribers) {
                s.offer(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] line) throws IOException {
        if (out == null) {
            openFile();
        }
        if (size > 0 && size + line.length > maxFileBytes) {
            rotate();
        }
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
            out.write(b);
        }
        size += line.length;
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        if (maxFiles == 1) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(LogFiles.rotated(dir, maxFiles - 1));
            for (int i = maxFiles - 2; i >= 1; i--) {
                Path from = LogFiles.rotated(dir, i);
                if (Files.exists(from)) {
                    Files.move(from, LogFiles.rotated(dir, i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, LogFiles.rotated(dir, 1), StandardCopyOption.REPLACE_EXISTING);
        }
        // Files beyond the limit, left by a run that kept more.
        for (int i = Math.max(1, maxFiles); Files.deleteIfExists(LogFiles.rotated(dir, i)); i++) {
            // Deleted one; look for the next.
        }
        openFile();
    }

    private void openFile() throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                try {
                    Files.createFile(file);
                } catch (FileAlreadyExistsException raced) {
                    // Made meanwhile: append to it.
                }
            } catch (FileAlreadyExistsException raced) {
                // Made meanwhile: append to it.
            }
        }
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = out.size();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // Already failing; reported once.
            }
            out = null;
        }
    }

    private void failed(String what, Exception e, int code) {
        if (failureReported.compareAndSet(false, true)) {
            reportError("portico log: " + what, e, code);
        }
    }

    /** Lines are written as they are logged: there is nothing to flush. */
    @Override
    public void flush() {
        // Each record is written through to the file when published.
    }

    /** Closes the file and every subscription; records published after are ignored. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly();
        } finally {
            lock.unlock();
        }
        subscribers.forEach(Subscription::close);
    }

    private Entry entry(LogRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", TIME.format(clock.instant()));
        m.put("level", levelName(r.getLevel()));
        m.put("logger", r.getLoggerName() == null ? "" : r.getLoggerName());
        m.put("msg", redactor.redact(message(r)));
        Throwable thrown = r.getThrown();
        Object[] params = r.getParameters();
        if (params != null) {
            for (Object p : params) {
                if (p instanceof Map<?, ?> fields) {
                    for (Map.Entry<?, ?> f : fields.entrySet()) {
                        String name = String.valueOf(f.getKey());
                        m.put(OWN_FIELDS.contains(name) ? name + "_" : name, fieldValue(name, f.getValue(),
                                redactor::redact));
                    }
                } else if (thrown == null && p instanceof Throwable t) {
                    thrown = t;
                }
            }
        }
        if (thrown != null) {
            m.put("error", redactor.redact(describe(thrown)));
        }
        Map<String, Object> fields = Collections.unmodifiableMap(m);
        return new Entry(fields, LogJson.write(fields));
    }

    private static Object fieldValue(String name, Object value, UnaryOperator<String> redact) {
        if (value == null) {
            return null;
        }
        if (LogRedactor.secretField(name)) {
            return LogRedactor.REDACTED;
        }
        return switch (value) {
            case String s -> redact.apply(s);
            case Number n -> n;
            case Boolean b -> b;
            default -> redact.apply(String.valueOf(value));
        };
    }

    /** {@code java.io.IOException: boom; caused by: …}, at most five deep. */
    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t));
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && cause != t && depth < 5; depth++) {
            sb.append("; caused by: ").append(cause);
            t = cause;
            cause = cause.getCause();
        }
        return sb.toString();
    }

    /** The message as {@code java.util.logging.Formatter#formatMessage} makes it. */
    private static String message(LogRecord r) {
        String format = r.getMessage();
        if (format == null) {
            return "";
        }
        ResourceBundle bundle = r.getResourceBundle();
        if (bundle != null) {
            try {
                format = bundle.getString(format);
            } catch (MissingResourceException | ClassCastException notThere) {
                // The key is the message.
            }
        }
        Object[] params = r.getParameters();
        if (params == null || params.length == 0) {
            return format;
        }
        if (format.contains("{0") || format.contains("{1") || format.contains("{2") || format.contains("{3")) {
            try {
                return MessageFormat.format(format, params);
            } catch (IllegalArgumentException malformed) {
                return format;
            }
        }
        return format;
    }

    /**
     * The name a level is written with.
     *
     * @param level a {@code java.util.logging} level
     * @return {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
     */
    public static String levelName(Level level) {
        int v = level == null ? Level.INFO.intValue() : level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.CONFIG.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /**
     * The {@code java.util.logging} level of a level name, to set a logger's level with:
     * {@code trace} is {@code FINER}, {@code debug} {@code FINE}, {@code info} {@code INFO},
     * {@code warn} {@code WARNING} and {@code error} {@code SEVERE}.
     *
     * @param name {@code trace}, {@code debug}, {@code info}, {@code warn} (or {@code warning}) or
     *     {@code error}, in any case
     * @return the level
     * @throws IllegalArgumentException naming the value and the names expected
     */
    public static Level julLevel(String name) {
        return switch (Query.levelOf(name)) {
            case "TRACE" -> Level.FINER;
            case "DEBUG" -> Level.FINE;
            case "INFO" -> Level.INFO;
            case "WARN" -> Level.WARNING;
            default -> Level.SEVERE;
        };
    }

    /** The rank of a level name as written or hand-written: unknown names rank as {@code INFO}. */
    private static int rank(String level) {
        return switch (level == null ? "" : level.toUpperCase(Locale.ROOT)) {
            case "TRACE", "FINER", "FINEST" -> 0;
            case "DEBUG", "FINE" -> 1;
            case "WARN", "WARNING" -> 3;
            case "ERROR", "SEVERE", "FATAL", "CRITICAL" -> 4;
            default -> 2;
        };
    }

    /**
     * The newest entries, oldest first, read from the files (so they include what earlier runs
     * wrote), across rotated files when needed.
     *
     * @param limit how many, 0 to {@value #MAX_QUERY_LIMIT}
     * @return the entries
     * @throws UncheckedIOException when a file cannot be read
     */
    public List<Entry> recent(int limit) {
        if (limit == 0) {
            return List.of();
        }
        return query(new Query(Optional.empty(), Optional.empty(), Optional.empty(), limit));
    }

    /**
     * The newest entries that match a query, oldest first, read from the files from the end.
     *
     * @param query the filters and the limit
     * @return the entries
     * @throws UncheckedIOException when a file cannot be read
     */
    public List<Entry> query(Query query) {
        Objects.requireNonNull(query, "query");
        List<FileChannel> files;
        // Opened together under the write lock: a rotation cannot slip in between two of them.
        lock.lock();
        try {
            files = LogFiles.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("log: could not read " + dir + " (" + e.getMessage() + ")", e);
        } finally {
            lock.unlock();
        }
        return scan(files, query, redactor::redact);
    }

    /**
     * The newest entries of the log files in a directory, oldest first, without opening the log for
     * writing: for a reader in another process, such as {@code portico gateway logs}. Whatever
     * looks like a credential is redacted as it is read.
     *
     * @param dir the directory holding {@code gateway.log}
     * @param limit how many, &gt;= 0
     * @return the entries; none when the directory holds no log
     * @throws UncheckedIOException when a file cannot be read
     */
    public static List<Entry> read(Path dir, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        if (limit == 0) {
            return List.of();
        }
        List<FileChannel> files;
        try {
            files = LogFiles.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("log: could not read " + dir + " (" + e.getMessage() + ")", e);
        }
        return scan(files, new Query(Optional.empty(), Optional.empty(), Optional.empty(), 1), LogRedactor::patterns,
                limit);
    }

    private static List<Entry> scan(List<FileChannel> files, Query q, UnaryOperator<String> redact) {
        return scan(files, q, redact, q.limit());
    }

    private static List<Entry> scan(List<FileChannel> files, Query q, UnaryOperator<String> redact, int limit) {
        List<Entry> newestFirst = new ArrayList<>();
        Instant since = q.since().orElse(null);
        Instant stop = since == null ? null : since.minus(SINCE_SLACK);
        try {
            outer:
            for (FileChannel f : files) {
                LogFiles.Backwards lines = new LogFiles.Backwards(f);
                for (String line; (line = lines.previous()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Entry e = Entry.parse(line, redact);
                    if (since != null) {
                        Optional<Instant> time = e.time();
                        if (time.isEmpty()) {
                            continue;
                        }
                        if (time.get().isBefore(stop)) {
                            break outer;
                        }
                        if (time.get().isBefore(since)) {
                            continue;
                        }
                    }
                    if (q.matches(e)) {
                        newestFirst.add(e);
                        if (newestFirst.size() >= limit) {
                            break outer;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("log: could not read (" + e.getMessage() + ")", e);
        } finally {
            LogFiles.closeAll(files);
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * Delivers each entry once it is written, on a thread of the subscription's own. A subscriber
     * slower than the log never holds it up: beyond {@value #SUBSCRIBER_QUEUE} entries waiting,
     * entries are dropped and counted ({@link Subscription#dropped()}).
     *
     * @param consumer called with each entry, one at a time; what it throws is ignored
     * @return the subscription, to close
     */
    public Subscription subscribe(Consumer<? super Entry> consumer) {
        return subscribe(consumer, null);
    }

    /**
     * Delivers each entry once it is written, like {@link #subscribe(Consumer)}; the first time an
     * entry is dropped, the subscription closes and {@code onOverflow} runs on its thread, after the
     * entries already waiting were delivered.
     *
     * @param consumer called with each entry, one at a time; what it throws is ignored
     * @param onOverflow what to do when the subscriber fell behind, or null to drop and count
     * @return the subscription, to close
     */
    public Subscription subscribe(Consumer<? super Entry> consumer, Runnable onOverflow) {
        Subscription s = new Subscription(consumer, onOverflow);
        if (closed) {
            s.close();
            return s;
        }
        subscribers.add(s);
        s.start();
        return s;
    }

    /** @return how many subscriptions are open */
    public int subscriberCount() {
        return subscribers.size();
    }

    /** One subscriber: its queue and the thread that empties it. */
    public final class Subscription implements AutoCloseable {
        private final Consumer<? super Entry> consumer;
        private final Runnable onOverflow;
        private final ArrayBlockingQueue<Entry> queue = new ArrayBlockingQueue<>(SUBSCRIBER_QUEUE);
        private final AtomicLong dropped = new AtomicLong();
        private volatile boolean open = true;
        private volatile Thread thread;

        private Subscription(Consumer<? super Entry> consumer, Runnable onOverflow) {
            this.consumer = Objects.requireNonNull(consumer, "consumer");
            this.onOverflow = onOverflow;
        }

        private void start() {
            thread = Thread.ofVirtual().name("portico-log-subscriber").start(this::run);
        }

        /** Called with the write lock held: never blocks. */
        private void offer(Entry e) {
            if (open && !queue.offer(e)) {
                dropped.incrementAndGet();
            }
        }

        private void run() {
            try {
                while (open) {
                    if (onOverflow != null && dropped.get() > 0) {
                        close();
                        onOverflow.run();
                        return;
                    }
                    Entry e = queue.take();
                    try {
                        consumer.accept(e);
                    } catch (RuntimeException ignored) {
                        // A failing subscriber is its own business; the log goes on.
                    }
                }
            } catch (InterruptedException closedMeanwhile) {
                // close() interrupts the wait.
            }
        }

        /** @return how many entries were dropped because this subscriber fell behind */
        public long dropped() {
            return dropped.get();
        }

        /** @return whether entries are still delivered */
        public boolean isOpen() {
            return open;
        }

        /** Stops delivery; entries waiting are dropped. Closing twice does nothing. */
        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            subscribers.remove(this);
            queue.clear();
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    /**
     * One line of the log, as its fields. A line that is not a JSON object (a hand-edited file)
     * is an entry with {@code time} null, {@code level} {@code INFO} and the line as {@code msg}.
     */
    public static final class Entry {
        private final Map<String, Object> fields;
        private volatile String json;

        private Entry(Map<String, Object> fields, String json) {
            this.fields = fields;
            this.json = json;
        }

        /**
         * Reads one line of a log file; whatever looks like a credential is redacted.
         *
         * @param line the line, without its line break
         * @return the entry
         */
        public static Entry parse(String line) {
            return parse(line, LogRedactor::patterns);
        }

        /**
         * Reads one line of a log file, redacting its text values with {@code redact} and the
         * values of fields named like a secret whatever they are.
         *
         * @param line the line
         * @param redact what redacts a text
         * @return the entry
         */
        static Entry parse(String line, UnaryOperator<String> redact) {
            String text = line.strip();
            Map<String, Object> read = LogJson.read(text);
            if (read == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("time", null);
                m.put("level", "INFO");
                m.put("msg", redact.apply(text));
                return new Entry(Collections.unmodifiableMap(m), null);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            read.forEach((k, v) -> m.put(k, redactRead(k, v, redact)));
            return new Entry(Collections.unmodifiableMap(m), null);
        }

        private static Object redactRead(String name, Object value, UnaryOperator<String> redact) {
            if (value == null) {
                return null;
            }
            if (LogRedactor.secretField(name)) {
                return LogRedactor.REDACTED;
            }
            return switch (value) {
                case String s -> redact.apply(s);
                case Map<?, ?> map -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    map.forEach((k, v) -> m.put(String.valueOf(k), redactRead(String.valueOf(k), v, redact)));
                    yield Collections.unmodifiableMap(m);
                }
                case Collection<?> c -> c.stream().map(v -> redactRead("", v, redact)).toList();
                default -> value;
            };
        }

        /** @return the fields in the order of the line: {@code time}, {@code level}, {@code logger}, {@code msg}, … */
        public Map<String, Object> fields() {
            return fields;
        }

        /** @return the entry as one line of compact JSON, fields in their order */
        public String json() {
            String j = json;
            if (j == null) {
                j = LogJson.write(fields);
                json = j;
            }
            return j;
        }

        /** @return when it was logged; empty when the line has no readable {@code time} */
        public Optional<Instant> time() {
            if (fields.get("time") instanceof String s) {
                try {
                    return Optional.of(Instant.parse(s));
                } catch (DateTimeException unreadable) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }

        /** @return the level's name as written; {@code INFO} when missing */
        public String level() {
            return fields.get("level") instanceof String s ? s : "INFO";
        }

        /** @return the logger's name; empty when missing */
        public String logger() {
            return fields.get("logger") instanceof String s ? s : "";
        }

        /** @return the message; empty when missing */
        public String msg() {
            Object m = fields.get("msg");
            return m == null ? "" : String.valueOf(m);
        }

        /** @return the JSON line */
        @Override
        public String toString() {
            return json();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && fields.equals(e.fields);
        }

        @Override
        public int hashCode() {
            return fields.hashCode();
        }
    }

    /**
     * What {@link #query} looks for.
     *
     * @param level the lowest level wanted, as {@code TRACE}, {@code DEBUG}, {@code INFO},
     *     {@code WARN} or {@code ERROR}: {@code WARN} gives warnings and errors; empty for all
     * @param text text the message or any field value contains, ignoring case; empty for all
     * @param since the earliest time wanted; empty for all
     * @param limit the most entries returned (the newest that match), 1 to {@value #MAX_QUERY_LIMIT}
     */
    public record Query(Optional<String> level, Optional<String> text, Optional<Instant> since, int limit) {
        /**
         * Checks the values; a level is taken in any case, {@code warning} as {@code WARN}.
         *
         * @param level the lowest level
         * @param text the text
         * @param since the earliest time
         * @param limit the most entries
         * @throws IllegalArgumentException naming the parameter and what is expected
         */
        public Query {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(since, "since");
            level = level.map(Query::levelOf);
            text = text.filter(t -> !t.isEmpty());
            if (limit < 1 || limit > MAX_QUERY_LIMIT) {
                throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_QUERY_LIMIT + ")");
            }
        }

        /**
         * A query from the parameters of a request, any of them missing or empty.
         *
         * @param level {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}, in any case
         * @param text the text to look for
         * @param since an ISO-8601 instant ({@code 2026-05-10T00:00:00Z}) or a time back from
         *     {@code now}: {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}
         * @param limit the most entries
         * @param now what {@code since} counts back from
         * @return the query
         * @throws IllegalArgumentException naming the parameter and what is expected
         */
        public static Query of(String level, String text, String since, int limit, Instant now) {
            return new Query(present(level), present(text), present(since).map(s -> parseSince(s, now)), limit);
        }

        private static Optional<String> present(String s) {
            return Optional.ofNullable(s).map(String::strip).filter(v -> !v.isEmpty());
        }

        private static String levelOf(String name) {
            String upper = name.strip().toUpperCase(Locale.ROOT);
            if (upper.equals("WARNING")) {
                return "WARN";
            }
            if (!LEVELS.contains(upper)) {
                throw new IllegalArgumentException("level: " + name
                        + " (expected: trace, debug, info, warn or error)");
            }
            return upper;
        }

        /**
         * Reads a time: an ISO-8601 instant, with {@code Z} or an offset, or a time back from now.
         *
         * @param value {@code 2026-05-10T00:00:00Z}, {@code 2026-05-10T02:00:00+02:00}, {@code 15m}, …
         * @param now what a relative time counts back from
         * @return the instant
         * @throws IllegalArgumentException naming {@code since} and what is expected
         */
        public static Instant parseSince(String value, Instant now) {
            String v = value.strip();
            Matcher m = RELATIVE.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration back = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(back);
            }
            try {
                return Instant.parse(v);
            } catch (DateTimeException notAnInstant) {
                try {
                    return OffsetDateTime.parse(v).toInstant();
                } catch (DateTimeException notEither) {
                    throw new IllegalArgumentException("since: " + value + " (expected: an ISO-8601 time such as "
                            + "2026-05-10T00:00:00Z, or a time back from now such as 30s, 15m, 2h or 1d)");
                }
            }
        }

        /** Whether an entry passes the level and text filters ({@code since} is checked while reading). */
        boolean matches(Entry e) {
            if (level.isPresent() && rank(e.level()) < rank(level.get())) {
                return false;
            }
            if (text.isPresent()) {
                String t = text.get();
                for (Object v : e.fields().values()) {
                    if (v != null && containsIgnoreCase(String.valueOf(v), t)) {
                        return true;
                    }
                }
                return false;
            }
            return true;
        }

        private static boolean containsIgnoreCase(String haystack, String needle) {
            int n = needle.length();
            for (int i = 0; i + n <= haystack.length(); i++) {
                if (haystack.regionMatches(true, i, needle, 0, n)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Builds a {@link GatewayLog}. */
    public static final class Builder {
        private Path directory;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private int maxFiles = DEFAULT_MAX_FILES;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Sets the directory of the files.
         *
         * @param directory the directory, created (owner-only) when missing; required
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the size past which {@code gateway.log} is rotated. A single line longer than that
         * still goes into a file of its own.
         *
         * @param maxFileBytes bytes, &gt; 0; {@value GatewayLog#DEFAULT_MAX_FILE_BYTES} by default
         * @return this builder
         */
        public Builder maxFileBytes(long maxFileBytes) {
            if (maxFileBytes <= 0) {
                throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: > 0)");
            }
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        /**
         * Sets how many files are kept, {@code gateway.log} included.
         *
         * @param maxFiles 1 to 100; {@value GatewayLog#DEFAULT_MAX_FILES} by default
         * @return this builder
         */
        public Builder maxFiles(int maxFiles) {
            if (maxFiles < 1 || maxFiles > 100) {
                throw new IllegalArgumentException("maxFiles: " + maxFiles + " (expected: 1 to 100)");
            }
            this.maxFiles = maxFiles;
            return this;
        }

        /**
         * Sets the clock that stamps the lines.
         *
         * @param clock the clock; the UTC system clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opens the log.
         *
         * @return the log, appending to {@code <directory>/gateway.log}
         * @throws IllegalStateException without a directory
         * @throws UncheckedIOException naming the file when it cannot be opened
         */
        public GatewayLog build() {
            if (directory == null) {
                throw new IllegalStateException("directory: required");
            }
            return new GatewayLog(this);
        }
    }
}
