package dev.portico.server.helidon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** A plain-socket WebSocket client that sends frames exactly as told (fragments, opcodes, sizes). */
final class RawWebSocket implements AutoCloseable {
    final RawHttp http;

    record Frame(boolean fin, int opcode, byte[] payload) {
        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private RawWebSocket(RawHttp http) {
        this.http = http;
    }

    static RawWebSocket open(int port, String target) throws IOException {
        RawHttp http = new RawHttp(port);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        http.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        RawHttp.Response response = http.read();
        assertEquals(101, response.status(), "handshake status");
        assertEquals(WebSocketUpgrade.acceptValue(key), response.header("Sec-WebSocket-Accept"));
        return new RawWebSocket(http);
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            b.write(0x80 | n);
        } else if (n < 65536) {
            b.write(0x80 | 126);
            b.write(n >>> 8);
            b.write(n & 0xFF);
        } else {
            b.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                b.write((int) (((long) n >>> shift) & 0xFF));
            }
        }
        b.write(mask);
        for (int i = 0; i < n; i++) {
            b.write(payload[i] ^ mask[i & 3]);
        }
        http.send(b.toByteArray());
    }

    void sendClose(int code) throws IOException {
        send(0x8, true, new byte[] {(byte) (code >> 8), (byte) code});
    }

    Frame read() throws IOException {
        int b0 = http.in.read();
        if (b0 < 0) {
            throw new IOException("connection closed");
        }
        int b1 = http.in.read();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = (http.in.read() << 8) | http.in.read();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | http.in.read();
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, http.in.readNBytes((int) n));
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
