package dev.portico.tck;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A plain socket speaking HTTP/1.1 by hand, for what {@link java.net.http.HttpClient} cannot do:
 * send only a request head, send a body in two parts, see repeated header lines, read a status
 * line within a deadline, or notice that the server closed the connection.
 *
 * <p>Every read is bounded by the deadline set with {@link #deadline(Duration)}; past it a read
 * throws {@link SocketTimeoutException}.
 */
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private volatile long deadlineNanos;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(new DeadlineInput(socket.getInputStream()));
        deadline(Duration.ofSeconds(5));
    }

    /**
     * Connects.
     *
     * @param address where to connect
     * @param connectTimeout how long the connect may take
     * @return the open connection
     * @throws IOException when the connection is refused or times out
     */
    static RawConnection open(InetSocketAddress address, Duration connectTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) connectTimeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Bounds every following read: past {@code fromNow}, reads throw {@link SocketTimeoutException}.
     *
     * @param fromNow how long from now reads may wait in total
     * @return this connection
     */
    RawConnection deadline(Duration fromNow) {
        deadlineNanos = System.nanoTime() + fromNow.toNanos();
        return this;
    }

    /**
     * Writes text as ASCII/Latin-1 (request heads) and flushes.
     *
     * @param text the text, with CRLF line ends written by the caller
     * @throws IOException when the write fails
     */
    void writeHead(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes bytes and flushes.
     *
     * @param bytes the bytes
     * @throws IOException when the write fails
     */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads a status line and headers.
     *
     * @return the head
     * @throws IOException when the connection closes first or the deadline passes
     */
    Head readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + statusLine, e);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed inside the response head after: " + statusLine);
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return new Head(statusLine, status, headers);
    }

    /**
     * The body of a response whose head was just read: chunked, {@code Content-Length} bounded, or
     * up to the end of the connection.
     *
     * @param head the response head
     * @return the decoded body stream
     */
    InputStream body(Head head) {
        if (head.first("transfer-encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false)) {
            return new ChunkedBody(in);
        }
        Optional<String> length = head.first("content-length");
        if (length.isPresent()) {
            return new BoundedBody(in, Long.parseLong(length.get()));
        }
        return in;
    }

    /**
     * Reads a whole response.
     *
     * @return the head and the body
     * @throws IOException when the connection fails or the deadline passes
     */
    Response readResponse() throws IOException {
        Head head = readHead();
        return new Response(head, body(head).readAllBytes());
    }

    /**
     * Waits for the server to close the connection, discarding anything it still sends.
     *
     * @return true when the connection ended (end of stream or reset) before the deadline
     * @throws IOException on other failures
     */
    boolean awaitClosedByPeer() throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // Discard what the server still sends; only the end of the stream matters here.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the server already closed may fail; it is closed either way.
        }
    }

    /** @return a line without its CR LF, Latin-1 decoded; null at the end of the stream */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A response head.
     *
     * @param statusLine the status line as sent
     * @param status the status code
     * @param headers the header values, keyed by the lower-cased name, one entry per header line
     */
    record Head(String statusLine, int status, Map<String, List<String>> headers) {
        /**
         * The first value of a header.
         *
         * @param name the lower-case name
         * @return the value, or empty
         */
        Optional<String> first(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /**
     * A whole response.
     *
     * @param head the head
     * @param body the decoded body
     */
    record Response(Head head, byte[] body) {
        /** @return the body as UTF-8 text */
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sets the socket timeout to what is left of the deadline before every read. */
    private final class DeadlineInput extends InputStream {
        private final InputStream raw;

        DeadlineInput(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            arm();
            return raw.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return raw.read(b, off, len);
        }

        private void arm() throws IOException {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
        }
    }

    /** A {@code Content-Length} body. */
    private static final class BoundedBody extends InputStream {
        private final InputStream in;
        private long left;

        BoundedBody(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed with " + left + " body bytes missing");
            }
            left -= n;
            return n;
        }
    }

    /** A {@code Transfer-Encoding: chunked} body, decoded. */
    private static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private long leftInChunk;
        private boolean done;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (leftInChunk == 0) {
                String size = line();
                int semi = size.indexOf(';');
                leftInChunk = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (leftInChunk == 0) {
                    while (!line().isEmpty()) {
                        // Trailer fields are not used by the kit.
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, leftInChunk));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            leftInChunk -= n;
            if (leftInChunk == 0 && !line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            if (c < 0) {
                throw new EOFException("connection closed inside chunk framing");
            }
            return sb.toString();
        }
    }
}
