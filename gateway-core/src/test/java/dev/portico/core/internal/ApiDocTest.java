package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.core.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md lists exactly the routes the gateway serves, with their scopes and rate limits. */
class ApiDocTest {
    private static final Pattern ROW = Pattern.compile(
            "^\\| `(GET|POST|PUT|PATCH|DELETE|WS) (/[^`]*)` \\| ([a-z.]+) \\| ([a-z]+)[^|]* \\|");

    @Test
    void routeTableMatchesTheDocs() throws IOException {
        Path doc = Path.of("..", "docs", "api.md");
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                documented.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4));
            }
        }
        Set<String> served = new TreeSet<>();
        DefaultGateway gateway = (DefaultGateway) Gateway.builder().token("doc-test-token-123").build();
        for (Route r : gateway.routes()) {
            served.add(r.method() + " " + r.pattern() + " " + r.access() + " " + (r.open() ? "none" : r.rate().wireName()));
        }
        assertEquals(served, documented, "docs/api.md route table vs the router");
    }
}
