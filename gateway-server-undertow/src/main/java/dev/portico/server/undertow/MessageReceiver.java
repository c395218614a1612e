package dev.portico.server.undertow;

import dev.portico.api.transport.WebSocketCloseCodes;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;

/**
 * Reads one socket's frames on Undertow's I/O thread. Text messages are assembled across
 * fragments with this class's own byte bound (over it: close with 1009 and discard the rest);
 * binary messages are discarded and close the socket with 1003; pings are answered by Undertow;
 * a close frame is reported with its code (1005 when it carries none) and echoed.
 */
final class MessageReceiver extends AbstractReceiveListener {
    private final SocketConnection socket;
    private final int maxMessageBytes;

    MessageReceiver(SocketConnection socket, int maxMessageBytes) {
        this.socket = socket;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void onText(WebSocketChannel channel, StreamSourceFrameChannel message) {
        new MessageReader(true).start(message);
    }

    @Override
    protected void onBinary(WebSocketChannel channel, StreamSourceFrameChannel message) {
        socket.closeFromReceiver(WebSocketCloseCodes.UNSUPPORTED_DATA, "binary messages are not supported");
        new MessageReader(false).start(message);
    }

    @Override
    protected void onFullCloseMessage(WebSocketChannel channel, BufferedBinaryMessage message) throws IOException {
        ByteBuffer[] payload = message.getData().getResource();
        int length = 0;
        for (ByteBuffer b : payload) {
            length += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (ByteBuffer b : payload) {
            all.put(b.duplicate());
        }
        all.flip();
        if (all.remaining() < 2) {
            socket.peerClosed(WebSocketCloseCodes.NO_STATUS, "");
        } else {
            int code = all.getShort() & 0xFFFF;
            socket.peerClosed(code, StandardCharsets.UTF_8.decode(all).toString());
        }
        boolean answeringOurClose = channel.isCloseFrameSent();
        super.onFullCloseMessage(channel, message);
        if (answeringOurClose) {
            // Both close frames have crossed: the handshake is over.
            IoUtils.safeClose(channel);
        }
    }

    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        socket.failed(error);
    }

    /**
     * Reads one message to its end, whatever the number of frames, without blocking: when no data
     * is available it resumes reads and continues from the channel's read listener.
     */
    private final class MessageReader implements ChannelListener<StreamSourceFrameChannel> {
        private boolean keep;
        private byte[] data = new byte[0];
        private int size;

        MessageReader(boolean keep) {
            this.keep = keep;
        }

        void start(StreamSourceFrameChannel message) {
            message.getReadSetter().set(this);
            handleEvent(message);
        }

        @Override
        public void handleEvent(StreamSourceFrameChannel message) {
            try (PooledByteBuffer pooled = message.getWebSocketChannel().getBufferPool().allocate()) {
                ByteBuffer buffer = pooled.getBuffer();
                while (true) {
                    buffer.clear();
                    int n = message.read(buffer);
                    if (n == -1) {
                        message.suspendReads();
                        if (keep) {
                            socket.received(new String(data, 0, size, StandardCharsets.UTF_8));
                        }
                        data = null;
                        return;
                    }
                    if (n == 0) {
                        message.resumeReads();
                        return;
                    }
                    buffer.flip();
                    if (keep) {
                        append(buffer);
                    }
                }
            } catch (IOException e) {
                message.suspendReads();
                socket.failed(e);
            }
        }

        private void append(ByteBuffer buffer) {
            int n = buffer.remaining();
            if ((long) size + n > maxMessageBytes) {
                keep = false;
                data = null;
                socket.closeFromReceiver(WebSocketCloseCodes.MESSAGE_TOO_BIG,
                        "message over " + maxMessageBytes + " bytes");
                return;
            }
            if (size + n > data.length) {
                int capacity = Math.max(size + n, Math.max(1024, data.length * 2));
                data = Arrays.copyOf(data, Math.min(capacity, maxMessageBytes));
            }
            buffer.get(data, size, n);
            size += n;
        }
    }
}
