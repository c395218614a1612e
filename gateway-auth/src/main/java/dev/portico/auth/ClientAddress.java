package dev.portico.auth;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Finds the address of the client behind a request, believing forwarding headers only when they
 * come from a trusted proxy.
 *
 * <p>When the socket peer is not a {@linkplain TrustedProxies trusted proxy}, the peer is the client
 * and every forwarding header is ignored, so a client cannot choose its own address by sending
 * {@code X-Forwarded-For}. When the peer is trusted, {@code X-Forwarded-For} is read from right to
 * left (the order in which proxies appended to it): trusted proxies are skipped and the first
 * address that is not one is the client. When the header is absent or unusable, a single
 * {@code X-Real-IP} is used, and failing that the peer. The {@code Forwarded} header is not read.
 *
 * <p>Header values are parsed as address literals only and never looked up in DNS. An entry may be
 * an IPv4 address, optionally with a port ({@code 203.0.113.7:5411}), or an IPv6 address,
 * optionally bracketed and with a port ({@code [2001:db8::7]:5411}). Any other entry, such as a
 * host name or {@code unknown}, makes {@code X-Forwarded-For} unusable if it is reached before the
 * client's address, and makes {@code X-Real-IP} unusable.
 *
 * <p>The methods are stateless and safe to call from any thread.
 */
public final class ClientAddress {
    private static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final String REAL_IP = "X-Real-IP";
    private static final String FORWARDED = "Forwarded";

    private ClientAddress() {}

    /**
     * The address of the client that sent a request.
     *
     * @param request the request
     * @param trusted the proxies whose forwarding headers are believed
     * @return the client's address; the peer's own address when the peer is not trusted
     * @throws IllegalArgumentException when the request's remote address is an unresolved host name
     */
    public static InetAddress of(HttpRequest request, TrustedProxies trusted) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(trusted, "trusted");
        InetAddress peer = peer(request);
        if (peer == null) {
            InetSocketAddress remote = request.remoteAddress();
            throw new IllegalArgumentException("remoteAddress: " + remote
                    + " (expected: a resolved IP address)");
        }
        if (!trusted.contains(peer)) {
            return peer;
        }
        Headers headers = request.headers();
        InetAddress forwarded = fromForwardedFor(headers.all(FORWARDED_FOR), trusted);
        if (forwarded != null) {
            return forwarded;
        }
        List<String> realIp = headers.all(REAL_IP);
        if (realIp.size() == 1) {
            InetAddress address = parseEntry(realIp.get(0).trim());
            if (address != null) {
                return address;
            }
        }
        return peer;
    }

    /**
     * Whether a request comes from this host and was not relayed: the peer is a loopback address
     * and none of {@code X-Forwarded-For}, {@code X-Real-IP} or {@code Forwarded} is present, even
     * empty. A request that a proxy on the same host relays is therefore never local.
     *
     * @param request the request
     * @return true for a direct request over loopback
     */
    public static boolean isLocal(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        InetAddress peer = peer(request);
        if (peer == null || !peer.isLoopbackAddress()) {
            return false;
        }
        Headers headers = request.headers();
        return !headers.contains(FORWARDED_FOR) && !headers.contains(REAL_IP) && !headers.contains(FORWARDED);
    }

    /** The peer's address, parsing an unresolved literal without DNS; null for an unresolved name. */
    private static InetAddress peer(HttpRequest request) {
        InetSocketAddress remote = Objects.requireNonNull(request.remoteAddress(), "remoteAddress");
        InetAddress address = remote.getAddress();
        return address != null ? address : parseEntry(remote.getHostString());
    }

    /**
     * Walks {@code X-Forwarded-For} from the last entry of the last line towards the first.
     *
     * @return the first untrusted address; the first entry when every entry is trusted; null when
     *     the header is absent, empty, or reaches a malformed entry first
     */
    private static InetAddress fromForwardedFor(List<String> lines, TrustedProxies trusted) {
        InetAddress leftmost = null;
        for (int line = lines.size() - 1; line >= 0; line--) {
            String value = lines.get(line);
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String entry = value.substring(comma + 1, end).trim();
                end = comma;
                if (entry.isEmpty()) {
                    continue;
                }
                InetAddress address = parseEntry(entry);
                if (address == null) {
                    return null;
                }
                if (!trusted.contains(address)) {
                    return address;
                }
                leftmost = address;
            }
        }
        return leftmost;
    }

    /** One address, as a proxy writes it: a literal, a bracketed IPv6 literal, either with a port. */
    private static InetAddress parseEntry(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty() && !isPort(rest)) {
                return null;
            }
            String inner = entry.substring(1, close);
            return inner.indexOf(':') >= 0 ? TrustedProxies.parseAddress(inner) : null;
        }
        int colon = entry.indexOf(':');
        if (colon >= 0 && colon == entry.lastIndexOf(':')) {
            return isPort(entry.substring(colon)) ? TrustedProxies.parseAddress(entry.substring(0, colon)) : null;
        }
        return TrustedProxies.parseAddress(entry);
    }

    /** Whether the text is {@code :} followed by a decimal port number, 0..65535. */
    private static boolean isPort(String text) {
        if (text.length() < 2 || text.length() > 6 || text.charAt(0) != ':') {
            return false;
        }
        int port = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65_535;
    }
}
