package dev.portico.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void namesAreCaseInsensitiveAndKeepTheirFirstSpelling() {
        Headers h = Headers.builder().add("Content-Type", "application/json").add("X-Many", "1").add("x-many", "2")
                .build();
        assertEquals(Optional.of("application/json"), h.first("content-type"));
        assertEquals(List.of("1", "2"), h.all("X-MANY"));
        assertEquals("Headers{Content-Type=application/json, X-Many=1, X-Many=2}", h.toString());
    }

    @Test
    void withAddsAndReplacesByNameAndLeavesBothUnchanged() {
        Headers base = Headers.builder().set("Content-Type", "application/json").add("Vary", "Accept")
                .add("vary", "Origin").build();
        Headers more = Headers.builder().set("VARY", "Origin").set("X-RateLimit-Remaining", "4").build();
        Headers combined = base.with(more);
        assertEquals(List.of("Origin"), combined.all("vary"));
        assertEquals(Optional.of("4"), combined.first("x-ratelimit-remaining"));
        assertEquals(Optional.of("application/json"), combined.first("Content-Type"));
        assertEquals("Headers{Content-Type=application/json, VARY=Origin, X-RateLimit-Remaining=4}",
                combined.toString());
        assertEquals(List.of("Accept", "Origin"), base.all("Vary"));
        assertEquals(2, more.names().size());
        assertSame(base, base.with(Headers.empty()));
        assertSame(more, Headers.empty().with(more));
    }

    @Test
    void aBuilderUsedAfterBuildingLeavesTheBuiltHeadersAlone() {
        Headers.Builder b = Headers.builder().set("A", "1");
        Headers first = b.build();
        b.add("a", "2").set("B", "3");
        Headers second = b.build();
        assertEquals(List.of("1"), first.all("a"));
        assertEquals(Optional.empty(), first.first("b"));
        assertEquals(List.of("1", "2"), second.all("A"));
        Headers.Builder again = second.toBuilder();
        assertSame(second, again.build());
        again.remove("b");
        assertEquals(Optional.of("3"), second.first("B"));
        assertEquals(Optional.empty(), again.build().first("B"));
        assertEquals(List.of("1", "2"), again.build().all("a"));
    }
}
