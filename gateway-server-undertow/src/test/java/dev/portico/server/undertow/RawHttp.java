package dev.portico.server.undertow;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw HTTP/1.1 client over a plain socket, for what {@code java.net.http} hides: exact response
 * headers, unsent bodies, connection closes and chunk-by-chunk reads.
 */
final class RawHttp implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A parsed response head. */
    record Head(int status, List<String[]> headers) {
        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    values.add(h[1]);
                }
            }
            return values;
        }

        String first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    RawHttp(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads up to the blank line after the headers. */
    Head readHead() throws IOException {
        String line = readLine();
        if (line == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = line.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<String> lines = new ArrayList<>();
        for (String h = readLine(); h != null && !h.isEmpty(); h = readLine()) {
            lines.add(h);
        }
        List<String[]> headers = new ArrayList<>();
        for (String h : lines) {
            int colon = h.indexOf(':');
            headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        return new Head(status, headers);
    }

    /** Reads a body framed by the head: Content-Length, chunked, or until the connection closes. */
    byte[] readBody(Head head) throws IOException {
        String length = head.first("Content-Length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        String te = head.first("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = readChunk()) != null) {
                body.writeBytes(chunk);
            }
            return body.toByteArray();
        }
        return in.readAllBytes();
    }

    /** Reads one chunk of a chunked body; null after the last (empty) chunk. */
    byte[] readChunk() throws IOException {
        String size = readLine();
        if (size == null) {
            throw new IOException("connection closed inside a chunked body");
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
            for (String trailer = readLine(); trailer != null && !trailer.isEmpty(); trailer = readLine()) {
                // trailers are ignored
            }
            return null;
        }
        byte[] chunk = in.readNBytes(n);
        readLine();
        return chunk;
    }

    /**
     * Whether the server closed the connection: a read returns end of stream (or a reset) before
     * the socket's read timeout.
     */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
