package dev.portico.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reverse proxies whose forwarding headers are believed: a set of IPv4 and IPv6 addresses and
 * CIDR blocks, such as {@code 10.0.0.0/8}, {@code ::1/128} or {@code fd00::/8}.
 *
 * <p>Entries are numeric literals only: host names are refused rather than looked up, so parsing
 * never touches DNS. A block written in IPv4-mapped form ({@code ::ffff:10.0.0.0/104}) matches the
 * IPv4 addresses it maps; otherwise IPv4 addresses match only IPv4 entries and IPv6 addresses only
 * IPv6 entries.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));
 * InetAddress client = ClientAddress.of(request, proxies);
 * }</pre>
 */
public final class TrustedProxies {
    /** No trusted proxy: every peer is taken to be the client itself. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private static final String EXPECTED =
            "expected: an IPv4 or IPv6 address or CIDR block, such as 10.0.0.0/8 or fd00::/8";

    private final List<Block> blocks;
    private final List<String> entries;

    private TrustedProxies(List<Block> blocks, List<String> entries) {
        this.blocks = blocks;
        this.entries = entries;
    }

    /**
     * Parses trusted proxy entries. Each entry is an address ({@code 192.0.2.10}, {@code ::1}) or a
     * CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}); surrounding whitespace is ignored. A block
     * must not have bits set past its prefix length.
     *
     * @param entries the entries; may be empty
     * @return the trusted proxies
     * @throws IllegalArgumentException when an entry is not an address literal or CIDR block; the message
     *     names it as {@code trustedProxies[<index>]}
     */
    public static TrustedProxies parse(List<String> entries) {
        Objects.requireNonNull(entries, "entries");
        List<Block> blocks = new ArrayList<>(entries.size());
        List<String> kept = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String entry = Objects.requireNonNull(entries.get(i), "trustedProxies[" + i + "]");
            Block block = Block.parse(entry.trim());
            if (block == null) {
                throw new IllegalArgumentException("trustedProxies[" + i + "]: " + entry + " (" + EXPECTED + ")");
            }
            blocks.add(block);
            kept.add(entry.trim());
        }
        return new TrustedProxies(List.copyOf(blocks), List.copyOf(kept));
    }

    /**
     * Whether an address is one of the trusted proxies.
     *
     * @param address the address
     * @return true when an entry covers the address
     */
    public boolean contains(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (blocks.isEmpty()) {
            return false;
        }
        byte[] bytes = unmap(address.getAddress());
        for (Block block : blocks) {
            if (block.covers(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries as they were given, without surrounding whitespace.
     *
     * @return a description such as {@code TrustedProxies[10.0.0.0/8, ::1]}
     */
    @Override
    public String toString() {
        return "TrustedProxies" + entries;
    }

    /**
     * Parses an IPv4 or IPv6 address literal without any name look-up. Zone ids, host names and
     * abbreviated IPv4 forms such as {@code 127.1} are refused.
     *
     * @param text the literal
     * @return the address (IPv4-mapped IPv6 literals come back as IPv4), or null when the text is
     *     not a literal
     */
    static InetAddress parseAddress(String text) {
        byte[] bytes = parseLiteral(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", impossible);
        }
    }

    private static byte[] parseLiteral(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text, 0, text.length());
    }

    /** Four decimal parts of 0..255, no sign and no leading zero (which some parsers read as octal). */
    private static byte[] parseIpv4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(s.charAt(i))) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    private static byte[] parseIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] groups = new int[8];
        int headCount;
        int tailCount = 0;
        int[] tail = new int[8];
        if (gap < 0) {
            headCount = parseGroups(s, 0, s.length(), groups, true);
            if (headCount != 8) {
                return null;
            }
        } else {
            headCount = parseGroups(s, 0, gap, groups, false);
            if (headCount < 0) {
                return null;
            }
            tailCount = parseGroups(s, gap + 2, s.length(), tail, true);
            if (tailCount < 0 || headCount + tailCount > 7) {
                return null;
            }
            System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
        }
        byte[] out = new byte[16];
        for (int g = 0; g < 8; g++) {
            out[2 * g] = (byte) (groups[g] >>> 8);
            out[2 * g + 1] = (byte) groups[g];
        }
        return out;
    }

    /**
     * Parses colon-separated hex groups into {@code out}; the last part may be a dotted IPv4 address
     * (two groups) when {@code dottedTail} is set.
     *
     * @return the number of groups, or -1 when the text is malformed
     */
    private static int parseGroups(String s, int from, int to, int[] out, boolean dottedTail) {
        if (from == to) {
            return 0;
        }
        int count = 0;
        int i = from;
        while (true) {
            int end = s.indexOf(':', i);
            if (end < 0 || end > to) {
                end = to;
            }
            if (end == to && dottedTail && s.lastIndexOf('.', to - 1) >= i) {
                byte[] v4 = parseIpv4(s, i, to);
                if (v4 == null || count > 6) {
                    return -1;
                }
                out[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                return count;
            }
            int length = end - i;
            if (length < 1 || length > 4 || count == 8) {
                return -1;
            }
            int value = 0;
            for (int k = i; k < end; k++) {
                int digit = hexValue(s.charAt(k));
                if (digit < 0) {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            out[count++] = value;
            if (end == to) {
                return count;
            }
            i = end + 1;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** IPv4-mapped IPv6 bytes ({@code ::ffff:a.b.c.d}) as the four IPv4 bytes; others unchanged. */
    private static byte[] unmap(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    /** One entry: a network address and how many leading bits of it must match. */
    private static final class Block {
        private final byte[] network;
        private final int prefix;

        private Block(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = parseLiteral(address);
            if (bytes == null) {
                return null;
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                prefix = parsePrefix(entry.substring(slash + 1), bits);
                if (prefix < 0) {
                    return null;
                }
            }
            byte[] unmapped = unmap(bytes);
            if (unmapped.length == 4 && bytes.length == 16) {
                if (prefix < 96) {
                    unmapped = bytes;
                } else {
                    prefix -= 96;
                }
            }
            Block block = new Block(unmapped, prefix);
            return block.hostBitsClear() ? block : null;
        }

        private static int parsePrefix(String text, int bits) {
            if (text.isEmpty() || text.length() > 3 || (text.length() > 1 && text.charAt(0) == '0')) {
                return -1;
            }
            int value = 0;
            for (int i = 0; i < text.length(); i++) {
                if (!isDigit(text.charAt(i))) {
                    return -1;
                }
                value = value * 10 + (text.charAt(i) - '0');
            }
            return value <= bits ? value : -1;
        }

        private boolean hostBitsClear() {
            for (int bit = prefix; bit < network.length * 8; bit++) {
                if ((network[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
                    return false;
                }
            }
            return true;
        }

        boolean covers(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix >>> 3;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix & 7;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}
