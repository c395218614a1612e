package dev.portico.auth;

import static dev.portico.auth.TrustedProxiesTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.HttpRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    static final TrustedProxies PROXIES = TrustedProxies.parse(List.of("10.0.0.0/8", "::1", "fd00::/8"));

    static HttpRequest.Builder from(String peer) {
        return HttpRequest.builder().remoteAddress(new InetSocketAddress(ip(peer), 40_000));
    }

    static InetAddress client(HttpRequest.Builder request) {
        return ClientAddress.of(request.build(), PROXIES);
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        HttpRequest.Builder spoofing = from("198.51.100.20")
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-For", "10.0.0.3")
                .header("X-Real-IP", "203.0.113.8")
                .header("Forwarded", "for=203.0.113.9");
        assertEquals(ip("198.51.100.20"), client(spoofing));
        assertEquals(ip("198.51.100.20"), ClientAddress.of(spoofing.build(), TrustedProxies.NONE));
    }

    @Test
    void withNoTrustedProxiesEvenLoopbackIsTheClient() {
        HttpRequest request = from("127.0.0.1").header("X-Forwarded-For", "203.0.113.7").build();
        assertEquals(ip("127.0.0.1"), ClientAddress.of(request, TrustedProxies.NONE));
    }

    @Test
    void aTrustedPeerWithoutHeadersIsTheClient() {
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2")));
    }

    @Test
    void aTrustedPeerNamesTheClientInXForwardedFor() {
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7")));
    }

    @Test
    void theChainIsWalkedFromTheRightPastTrustedProxies() {
        HttpRequest.Builder chain = from("10.0.0.2")
                .header("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.0.0.9,10.20.30.40");
        assertEquals(ip("203.0.113.7"), client(chain));
    }

    @Test
    void everyHeaderLineIsPartOfTheChain() {
        HttpRequest.Builder lines = from("10.0.0.2")
                .header("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
                .header("X-Forwarded-For", "10.1.1.1")
                .header("X-Forwarded-For", "10.2.2.2, 10.3.3.3");
        assertEquals(ip("203.0.113.7"), client(lines));

        HttpRequest.Builder later = from("10.0.0.2")
                .header("X-Forwarded-For", "198.51.100.1")
                .header("X-Forwarded-For", "203.0.113.7, 10.1.1.1");
        assertEquals(ip("203.0.113.7"), client(later));
    }

    @Test
    void aChainOfTrustedAddressesOnlyNamesItsFirst() {
        assertEquals(ip("10.9.9.9"), client(from("10.0.0.2").header("X-Forwarded-For", "10.9.9.9, 10.8.8.8")));
    }

    @Test
    void emptyEntriesAreSkipped() {
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7, ,10.1.1.1,")));
    }

    @Test
    void xRealIpIsTheFallbackThenThePeer() {
        assertEquals(ip("203.0.113.8"), client(from("10.0.0.2").header("X-Real-IP", " 203.0.113.8 ")));
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2")
                .header("X-Forwarded-For", "203.0.113.7").header("X-Real-IP", "203.0.113.8")));
        assertEquals(ip("203.0.113.8"), client(from("10.0.0.2")
                .header("X-Forwarded-For", " , ").header("X-Real-IP", "203.0.113.8")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Real-IP", "not-an-address")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2")
                .header("X-Real-IP", "203.0.113.8").header("X-Real-IP", "203.0.113.9")));
    }

    @Test
    void theForwardedHeaderIsNotRead() {
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("Forwarded", "for=203.0.113.9")));
    }

    @Test
    void malformedEntriesAreNeverLookedUpAndFallBack() {
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "localhost")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "unknown")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7, evil.example")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "127.1")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7:99999")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "[2001:db8::7")));
        assertEquals(ip("10.0.0.2"), client(from("10.0.0.2").header("X-Forwarded-For", "[203.0.113.7]")));
        assertEquals(ip("203.0.113.8"), client(from("10.0.0.2")
                .header("X-Forwarded-For", "unknown").header("X-Real-IP", "203.0.113.8")));
    }

    @Test
    void aMalformedEntryLeftOfTheClientDoesNotMatter() {
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2").header("X-Forwarded-For", "garbage, 203.0.113.7")));
    }

    @Test
    void portsAndBracketsAreAccepted() {
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7:5411")));
        assertEquals(ip("2001:db8::7"), client(from("10.0.0.2").header("X-Forwarded-For", "[2001:db8::7]")));
        assertEquals(ip("2001:db8::7"), client(from("10.0.0.2").header("X-Forwarded-For", "[2001:db8::7]:5411")));
    }

    @Test
    void ipv6PeersAndChains() {
        assertEquals(ip("2001:db8::7"), client(from("::1").header("X-Forwarded-For", "2001:db8::7")));
        assertEquals(ip("2001:db8::7"), client(from("fd00::5")
                .header("X-Forwarded-For", "2001:db8::1, [2001:db8::7]:443, fd12::1, 10.0.0.7")));
        assertEquals(ip("2001:db8::66"), client(from("2001:db8::66").header("X-Forwarded-For", "203.0.113.7")));
        assertEquals(ip("fd00::5"), client(from("fd00::5").header("X-Forwarded-For", "fe80::1%eth0")));
    }

    @Test
    void ipv4MappedEntriesAreIpv4() {
        InetAddress a = client(from("10.0.0.2").header("X-Forwarded-For", "::ffff:203.0.113.7"));
        assertTrue(a instanceof Inet4Address);
        assertEquals(ip("203.0.113.7"), a);
        assertEquals(ip("203.0.113.7"), client(from("10.0.0.2").header("X-Forwarded-For", "203.0.113.7, ::ffff:10.0.0.3")));
    }

    @Test
    void anUnresolvedPeerIsRefusedUnlessItIsALiteral() {
        HttpRequest literal = HttpRequest.builder()
                .remoteAddress(InetSocketAddress.createUnresolved("192.0.2.4", 1)).build();
        assertEquals(ip("192.0.2.4"), ClientAddress.of(literal, PROXIES));
        HttpRequest named = HttpRequest.builder()
                .remoteAddress(InetSocketAddress.createUnresolved("gateway.example", 1)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.of(named, PROXIES));
        assertTrue(e.getMessage().startsWith("remoteAddress: "), e.getMessage());
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> ClientAddress.of(null, PROXIES));
        assertThrows(NullPointerException.class, () -> ClientAddress.of(from("10.0.0.2").build(), null));
        assertThrows(NullPointerException.class, () -> ClientAddress.isLocal(null));
    }

    @Test
    void loopbackWithoutProxyHeadersIsLocal() {
        assertTrue(ClientAddress.isLocal(from("127.0.0.1").build()));
        assertTrue(ClientAddress.isLocal(from("127.0.0.2").build()));
        assertTrue(ClientAddress.isLocal(from("::1").build()));
        assertTrue(ClientAddress.isLocal(from("::1").header("X-Api-Key", "k").build()));
    }

    @Test
    void aRequestRelayedOverLoopbackIsNotLocal() {
        for (String header : List.of("X-Forwarded-For", "x-forwarded-for", "X-Real-IP", "Forwarded")) {
            assertFalse(ClientAddress.isLocal(from("127.0.0.1").header(header, "127.0.0.1").build()), header);
            assertFalse(ClientAddress.isLocal(from("::1").header(header, "203.0.113.7").build()), header);
            assertFalse(ClientAddress.isLocal(from("127.0.0.1").header(header, "").build()), header);
        }
    }

    @Test
    void otherPeersAreNotLocal() {
        assertFalse(ClientAddress.isLocal(from("10.0.0.2").build()));
        assertFalse(ClientAddress.isLocal(from("192.0.2.1").build()));
        assertFalse(ClientAddress.isLocal(from("0.0.0.0").build()));
        assertFalse(ClientAddress.isLocal(from("::").build()));
        assertFalse(ClientAddress.isLocal(HttpRequest.builder()
                .remoteAddress(InetSocketAddress.createUnresolved("localhost", 1)).build()));
    }
}
