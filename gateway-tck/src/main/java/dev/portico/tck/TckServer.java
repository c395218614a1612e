package dev.portico.tck;

import dev.portico.api.transport.RunningTransport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * A transport the kit started for one test, with the addresses a client uses to reach it.
 *
 * @param running the started transport
 */
public record TckServer(RunningTransport running) {

    /**
     * Validates the transport.
     *
     * @param running the started transport
     */
    public TckServer {
        Objects.requireNonNull(running, "running");
    }

    /**
     * The address a client connects to: the bound address, or loopback when the transport bound
     * the wildcard address.
     *
     * @return the address to connect to
     */
    public InetSocketAddress address() {
        InetSocketAddress bound = running.address();
        InetAddress host = bound.getAddress();
        if (host == null || host.isAnyLocalAddress()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
        }
        return new InetSocketAddress(host, bound.getPort());
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    public int port() {
        return running.port();
    }

    /**
     * The {@code host:port} authority, as a {@code Host} header carries it.
     *
     * @return the authority
     */
    public String authority() {
        InetAddress host = address().getAddress();
        String literal = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return literal + ":" + port();
    }

    /**
     * An {@code http://} URI on this server.
     *
     * @param target the raw path and query, starting with {@code /}
     * @return the URI
     */
    public URI http(String target) {
        return URI.create("http://" + authority() + target);
    }

    /**
     * A {@code ws://} URI on this server.
     *
     * @param target the raw path and query, starting with {@code /}
     * @return the URI
     */
    public URI ws(String target) {
        return URI.create("ws://" + authority() + target);
    }
}
