package dev.portico.server.helidon;

import dev.portico.api.transport.TransportWebSocket;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketOutput;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One WebSocket after the handshake, speaking RFC 6455 over the connection's socket.
 *
 * <p>Helidon's own WebSocket connection is not used: it decodes each fragment of a text message
 * separately (a character split across fragments breaks), limits frames rather than messages,
 * closes an oversized frame without a 1009 the core can observe, and its send path is not safe
 * for the concurrent writers a session has. This class reads frames on the connection's thread,
 * assembles whole text messages up to {@code maxWebSocketFrameBytes}, and reports them to the
 * {@link TransportWebSocket}; writes are serialised by a lock.
 *
 * <p>Whoever closes first sends a close frame; the socket then waits (reading and discarding) for
 * the peer's close frame, for at most {@link #CLOSE_GRACE}, so the peer sees the close code
 * instead of a reset.
 */
final class WebSocketConnection implements ServerConnection, WebSocketOutput {
    /** How long to wait for the peer's close frame once ours is sent. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;

    private final ConnectionContext ctx;
    private final ServerState state;
    private final DataReader reader;
    private final DataWriter writer;
    private final int maxMessageBytes;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CountDownLatch finished = new CountDownLatch(1);
    private TransportWebSocket socket;
    private volatile boolean closeSent;

    private record Frame(boolean fin, int rsv, int opcode, boolean masked, long length) {}

    WebSocketConnection(ConnectionContext ctx, ServerState state) {
        this.ctx = ctx;
        this.state = state;
        this.reader = ctx.dataReader();
        this.writer = ctx.dataWriter();
        this.maxMessageBytes = state.options().maxWebSocketFrameBytes();
    }

    void attach(TransportWebSocket socket) {
        this.socket = socket;
    }

    // ---- ServerConnection

    @Override
    public void handle(Limit limit) {
        state.webSockets().add(this);
        try {
            socket.opened();
            if (state.stopping()) {
                goAway();
            }
            readFrames();
        } catch (DataReader.InsufficientDataAvailableException | UncheckedIOException dropped) {
            connectionDropped();
        } catch (RuntimeException e) {
            if (isSocketFailure(e)) {
                connectionDropped();
            } else {
                socket.failed(e);
                sendClose(WebSocketCloseCodes.INTERNAL_ERROR, "internal error");
            }
        } finally {
            finished.countDown();
            state.webSockets().remove(this);
        }
    }

    /** A WebSocket is never idle in Helidon's sense: its keep-alive policy belongs to the core. */
    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    /**
     * Helidon calls this when the server stops: gracefully (1001, after the queued messages) or,
     * with {@code interrupt}, at once.
     */
    @Override
    public void close(boolean interrupt) {
        if (interrupt) {
            closeSocket();
        } else {
            goAway();
        }
    }

    /** Closes with 1001 through the session, so that messages already queued go out first. */
    void goAway() {
        socket.close(WebSocketCloseCodes.GOING_AWAY, "server stopping");
    }

    // ---- WebSocketOutput

    @Override
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        writeLock.lock();
        try {
            if (closeSent) {
                throw new IOException("WebSocket is closing");
            }
            writer.writeNow(frame(OP_TEXT, payload, payload.length));
        } catch (RuntimeException e) {
            throw new IOException("WebSocket connection failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close(int code, String reason) {
        sendClose(code, reason);
    }

    // ---- reading

    private void readFrames() {
        byte[] message = new byte[0];
        int messageLength = 0;
        boolean inMessage = false;
        while (true) {
            Frame frame = readHeader();
            if (closeSent) {
                // Our close frame is out: wait for the peer's, ignoring anything else.
                if (!frame.masked()) {
                    return;
                }
                if (frame.opcode() == OP_CLOSE) {
                    // Read it whole, so that closing the socket does not turn into a reset.
                    if (frame.length() <= 125) {
                        readPayload((int) frame.length());
                    }
                    return;
                }
                skipPayload(frame);
                continue;
            }
            int opcode = frame.opcode();
            if (frame.rsv() != 0 || !frame.masked()) {
                protocolError(frame, frame.rsv() != 0 ? "reserved bits set" : "client frame not masked");
                continue;
            }
            if (opcode >= OP_CLOSE) {
                if (!frame.fin() || frame.length() > 125) {
                    protocolError(frame, "invalid control frame");
                    continue;
                }
                byte[] payload = readPayload((int) frame.length());
                switch (opcode) {
                    case OP_CLOSE -> {
                        peerClosed(payload);
                        return;
                    }
                    case OP_PING -> pong(payload);
                    case OP_PONG -> {
                        // Nothing asked for it; nothing to do.
                    }
                    default -> protocolError(null, "unknown opcode " + opcode);
                }
                continue;
            }
            switch (opcode) {
                case OP_TEXT -> {
                    if (inMessage) {
                        protocolError(frame, "new message before the previous one ended");
                        continue;
                    }
                    inMessage = true;
                    messageLength = 0;
                }
                case OP_CONTINUATION -> {
                    if (!inMessage) {
                        protocolError(frame, "continuation without a message");
                        continue;
                    }
                }
                case OP_BINARY -> {
                    closeBySelf(frame, WebSocketCloseCodes.UNSUPPORTED_DATA, "binary messages are not supported");
                    continue;
                }
                default -> {
                    protocolError(frame, "unknown opcode " + opcode);
                    continue;
                }
            }
            if (frame.length() > maxMessageBytes - messageLength) {
                closeBySelf(frame, WebSocketCloseCodes.MESSAGE_TOO_BIG,
                        "message over " + maxMessageBytes + " bytes");
                continue;
            }
            byte[] payload = readPayload((int) frame.length());
            if (messageLength + payload.length > message.length) {
                message = Arrays.copyOf(message, Math.min(maxMessageBytes,
                        Math.max(messageLength + payload.length, message.length * 2)));
            }
            System.arraycopy(payload, 0, message, messageLength, payload.length);
            messageLength += payload.length;
            if (frame.fin()) {
                inMessage = false;
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(message, 0, messageLength))
                            .toString();
                } catch (CharacterCodingException e) {
                    closeBySelf(null, WebSocketCloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
                    continue;
                }
                if (message.length > 64 * 1024) {
                    message = new byte[0];
                }
                socket.received(text);
            }
        }
    }

    private Frame readHeader() {
        int b0 = reader.read() & 0xFF;
        int b1 = reader.read() & 0xFF;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((reader.read() & 0xFF) << 8) | (reader.read() & 0xFF);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (reader.read() & 0xFF);
            }
            if (length < 0) {
                // The most significant bit must be 0; treat it as too large to ever accept.
                length = Long.MAX_VALUE;
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0F, (b1 & 0x80) != 0, length);
    }

    /** Reads the masking key and {@code length} payload bytes, unmasked. */
    private byte[] readPayload(int length) {
        byte[] mask = readBytes(4);
        byte[] payload = readBytes(length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return payload;
    }

    private byte[] readBytes(int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            reader.ensureAvailable();
            int n = Math.min(reader.available(), length - done);
            byte[] part = reader.readBytes(n);
            System.arraycopy(part, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** Skips the masking key and payload of a frame that will not be delivered. */
    private void skipPayload(Frame frame) {
        skip(4);
        skip(frame.length());
    }

    private void skip(long length) {
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, 64 * 1024);
            reader.skip(n);
            left -= n;
        }
    }

    // ---- closing

    /** The peer's close frame arrived first: answer it, report it, and let the connection end. */
    private void peerClosed(byte[] payload) {
        int code = WebSocketCloseCodes.NO_STATUS;
        String reason = "";
        int reply = -1;
        if (payload.length == 1) {
            code = WebSocketCloseCodes.PROTOCOL_ERROR;
            reply = WebSocketCloseCodes.PROTOCOL_ERROR;
        } else if (payload.length >= 2) {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
            reply = validCloseCode(code) ? code : WebSocketCloseCodes.PROTOCOL_ERROR;
        }
        writeCloseFrame(reply, "");
        socket.closedByPeer(code, reason);
    }

    /**
     * This side ends the socket (message too big, binary, bad UTF-8): reports the close code to
     * the session, sends it, then skips the rest of the offending frame.
     */
    private void closeBySelf(Frame unread, int code, String reason) {
        socket.closedByPeer(code, reason);
        sendClose(code, reason);
        if (unread != null) {
            skipPayload(unread);
        }
    }

    private void protocolError(Frame unread, String reason) {
        LOG.log(Level.DEBUG, () -> "WebSocket protocol error from " + ctx.remotePeer().address() + ": " + reason);
        socket.closedByPeer(WebSocketCloseCodes.PROTOCOL_ERROR, reason);
        sendClose(WebSocketCloseCodes.PROTOCOL_ERROR, reason);
        if (unread != null && unread.masked()) {
            skipPayload(unread);
        } else if (unread != null) {
            // An unmasked frame cannot be skipped reliably; end the connection.
            throw new UncheckedIOException(new IOException("unmasked client frame"));
        }
    }

    private void connectionDropped() {
        if (!closeSent) {
            socket.closedByPeer(WebSocketCloseCodes.ABNORMAL, "");
        }
    }

    /** Sends our close frame (once) and makes sure the socket is gone within {@link #CLOSE_GRACE}. */
    private void sendClose(int code, String reason) {
        if (writeCloseFrame(code, reason)) {
            Thread.ofVirtual().name("portico-ws-close").start(() -> {
                try {
                    if (finished.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeSocket();
            });
        }
    }

    /**
     * Writes a close frame unless one was written already.
     *
     * @param code the code, or -1 for a close frame without a code
     * @param reason the reason, at most 123 UTF-8 bytes
     * @return true when this call wrote it
     */
    private boolean writeCloseFrame(int code, String reason) {
        writeLock.lock();
        try {
            if (closeSent) {
                return false;
            }
            closeSent = true;
            byte[] payload;
            if (code < 0) {
                payload = new byte[0];
            } else {
                byte[] r = reason.getBytes(StandardCharsets.UTF_8);
                int n = Math.min(r.length, 123);
                payload = new byte[2 + n];
                payload[0] = (byte) (code >> 8);
                payload[1] = (byte) code;
                System.arraycopy(r, 0, payload, 2, n);
            }
            writer.writeNow(frame(OP_CLOSE, payload, payload.length));
        } catch (RuntimeException peerGone) {
            // The close frame cannot be delivered; the socket is closed below or by Helidon.
        } finally {
            writeLock.unlock();
        }
        return true;
    }

    private void pong(byte[] payload) {
        writeLock.lock();
        try {
            if (!closeSent) {
                writer.writeNow(frame(OP_PONG, payload, payload.length));
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void closeSocket() {
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException alreadyClosed) {
            // Gone already.
        }
    }

    private static BufferData frame(int opcode, byte[] payload, int length) {
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        BufferData frame = BufferData.create(header + length);
        frame.write(0x80 | opcode);
        if (length < 126) {
            frame.write(length);
        } else if (length < 65536) {
            frame.write(126);
            frame.write(length >>> 8);
            frame.write(length & 0xFF);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (((long) length >>> shift) & 0xFF));
            }
        }
        frame.write(payload, 0, length);
        return frame;
    }

    private static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private static boolean isSocketFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }
}
