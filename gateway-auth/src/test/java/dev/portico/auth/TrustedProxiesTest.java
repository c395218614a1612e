package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static TrustedProxies of(String... entries) {
        return TrustedProxies.parse(List.of(entries));
    }

    @Test
    void noneAndEmptyTrustNobody() {
        assertFalse(TrustedProxies.NONE.contains(ip("127.0.0.1")));
        assertFalse(TrustedProxies.NONE.contains(ip("::1")));
        assertFalse(TrustedProxies.parse(List.of()).contains(ip("10.0.0.1")));
    }

    @Test
    void aSingleAddressMatchesOnlyItself() {
        TrustedProxies p = of("192.0.2.10", "2001:db8::10");
        assertTrue(p.contains(ip("192.0.2.10")));
        assertFalse(p.contains(ip("192.0.2.11")));
        assertFalse(p.contains(ip("192.0.2.9")));
        assertTrue(p.contains(ip("2001:db8:0:0:0:0:0:10")));
        assertFalse(p.contains(ip("2001:db8::11")));
    }

    @Test
    void ipv4BlocksIncludeTheirEdgesAndNothingPast() {
        TrustedProxies p = of("10.0.0.0/8");
        assertTrue(p.contains(ip("10.0.0.0")));
        assertTrue(p.contains(ip("10.255.255.255")));
        assertFalse(p.contains(ip("9.255.255.255")));
        assertFalse(p.contains(ip("11.0.0.0")));

        TrustedProxies q = of("172.16.0.0/12");
        assertTrue(q.contains(ip("172.16.0.0")));
        assertTrue(q.contains(ip("172.31.255.255")));
        assertFalse(q.contains(ip("172.15.255.255")));
        assertFalse(q.contains(ip("172.32.0.0")));

        TrustedProxies r = of("192.168.1.128/25");
        assertTrue(r.contains(ip("192.168.1.128")));
        assertTrue(r.contains(ip("192.168.1.255")));
        assertFalse(r.contains(ip("192.168.1.127")));
        assertFalse(r.contains(ip("192.168.2.128")));

        TrustedProxies s = of("192.0.2.7/32");
        assertTrue(s.contains(ip("192.0.2.7")));
        assertFalse(s.contains(ip("192.0.2.6")));
    }

    @Test
    void slashZeroCoversItsFamilyOnly() {
        TrustedProxies v4 = of("0.0.0.0/0");
        assertTrue(v4.contains(ip("0.0.0.0")));
        assertTrue(v4.contains(ip("255.255.255.255")));
        assertFalse(v4.contains(ip("::1")));

        TrustedProxies v6 = of("::/0");
        assertTrue(v6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(v6.contains(ip("10.0.0.1")));
    }

    @Test
    void ipv6BlocksIncludeTheirEdgesAndNothingPast() {
        TrustedProxies loopback = of("::1/128");
        assertTrue(loopback.contains(ip("::1")));
        assertFalse(loopback.contains(ip("::2")));
        assertFalse(loopback.contains(ip("127.0.0.1")));

        TrustedProxies ula = of("fd00::/8");
        assertTrue(ula.contains(ip("fd00::")));
        assertTrue(ula.contains(ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(ula.contains(ip("fc00::1")));
        assertFalse(ula.contains(ip("fe00::")));

        TrustedProxies doc = of("2001:DB8::/32");
        assertTrue(doc.contains(ip("2001:db8::")));
        assertTrue(doc.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(doc.contains(ip("2001:db9::")));
        assertFalse(doc.contains(ip("2001:db7:ffff::")));

        TrustedProxies odd = of("2001:db8::/127");
        assertTrue(odd.contains(ip("2001:db8::1")));
        assertFalse(odd.contains(ip("2001:db8::2")));

        TrustedProxies nibble = of("2001:db8:8000::/33");
        assertTrue(nibble.contains(ip("2001:db8:ffff::1")));
        assertFalse(nibble.contains(ip("2001:db8:7fff::1")));
    }

    @Test
    void ipv4MappedBlocksMatchIpv4Addresses() {
        TrustedProxies p = of("::ffff:10.0.0.0/104", "::ffff:192.0.2.1");
        assertTrue(p.contains(ip("10.1.2.3")));
        assertTrue(p.contains(ip("192.0.2.1")));
        assertFalse(p.contains(ip("11.0.0.0")));
        assertFalse(p.contains(ip("192.0.2.2")));
    }

    @Test
    void whitespaceAroundEntriesIsIgnored() {
        TrustedProxies p = of("  10.0.0.0/8 ", "\t::1");
        assertTrue(p.contains(ip("10.9.9.9")));
        assertTrue(p.contains(ip("::1")));
        assertEquals("TrustedProxies[10.0.0.0/8, ::1]", p.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "localhost", "example.com", "proxy.internal/8",
        "10.0.0", "10.0.0.0.0", "256.0.0.1", "1.2.3.-4", "01.2.3.4", "1.2.3.04", "+1.2.3.4", "1..2.3",
        "10.0.0.0/", "/8", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8", "10.0.0.0/ 8",
        "10.0.0.1/8", "192.168.1.129/25", "::1/0", "fd00::1/8",
        "::/129", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":::", ":1", "1:", "12345::", "::g",
        "fe80::1%eth0", "[::1]", "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4.5",
        "::١"
    })
    void badEntriesAreRefusedByName(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse(List.of("10.0.0.0/8", entry)));
        assertTrue(e.getMessage().startsWith("trustedProxies[1]: " + entry + " (expected: "), e.getMessage());
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> TrustedProxies.parse(null));
        assertThrows(NullPointerException.class, () -> TrustedProxies.parse(Arrays.asList("10.0.0.0/8", null)));
        assertThrows(NullPointerException.class, () -> TrustedProxies.NONE.contains(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "255.255.255.255", "192.0.2.1", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8", "2001:DB8::Ab:cd", "fe80::1:2", "::ffff:1.2.3.4", "64:ff9b::192.0.2.33",
        "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4"
    })
    void literalsParseAsTheJdkParsesThem(String literal) {
        assertEquals(ip(literal), TrustedProxies.parseAddress(literal));
        assertTrue(of(literal).contains(ip(literal)));
    }

    @Test
    void ipv4MappedLiteralsBecomeIpv4() {
        assertTrue(TrustedProxies.parseAddress("::ffff:203.0.113.7") instanceof Inet4Address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "127.1", "0x7f.0.0.1", "2130706433", "unknown", "_"})
    void namesAndAbbreviationsAreNotAddresses(String text) {
        assertNull(TrustedProxies.parseAddress(text));
    }
}
