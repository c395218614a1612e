package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/compatibility.md: every seed row has one of the three statuses, and the summary table counts
 * the rows as they stand.
 */
class CompatibilityDocTest {
    private static final List<String> STATUSES = List.of("served as documented", "served with a difference",
            "not yet");
    private static final Pattern SEED = Pattern.compile("## (\\w+) \\(`.*");
    private static final Pattern SUMMARY_ROW =
            Pattern.compile("\\| (\\w+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|");

    @Test
    void theSummaryCountsTheRows() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "compatibility.md"));
        Map<String, List<Integer>> counted = new LinkedHashMap<>();
        String seed = null;
        for (String line : lines) {
            Matcher m = SEED.matcher(line);
            if (m.matches()) {
                seed = m.group(1);
                counted.put(seed, new ArrayList<>(List.of(0, 0, 0, 0)));
                continue;
            }
            if (line.startsWith("## ")) {
                seed = null;
            }
            if (seed == null || !line.startsWith("| ") || line.startsWith("| Seed endpoint")) {
                continue;
            }
            String status = line.split("\\|")[3].strip();
            assertTrue(STATUSES.contains(status), seed + ": unknown status in " + line);
            List<Integer> c = counted.get(seed);
            c.set(0, c.get(0) + 1);
            int i = STATUSES.indexOf(status) + 1;
            c.set(i, c.get(i) + 1);
        }
        Map<String, List<Integer>> summary = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = SUMMARY_ROW.matcher(line);
            if (m.matches()) {
                summary.put(m.group(1), List.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
            }
        }
        assertEquals(5, counted.size(), counted.toString());
        assertEquals(counted, summary, "the summary of docs/compatibility.md vs its rows");
    }
}
