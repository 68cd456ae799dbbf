package io.leadmatch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README table from a fixture results file in the suite's layout (JMH's own JSON for the in-process part,
 * the load generator's and the import's JSON for the rest): figures, baselines, ratios, targets, verdicts.
 */
class ReadmeTableTest {
    private static JsonObject fixture() throws IOException {
        try (InputStream in = ReadmeTableTest.class.getResourceAsStream("results-fixture.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
    }

    private static String render(JsonObject results) {
        return ReadmeTable.render(results, "20261123T150000Z.json");
    }

    @Test
    void namesTheRunTheMachineAndTheCommand() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.startsWith("Generated from `bench/results/20261123T150000Z.json`, written by"
                        + " `./leadmatch bench` at 20261123T150000Z."),
                md);
        assertTrue(
                md.contains(
                        "Machine: AMD EPYC 7B13, 2 cores, 24 GiB; openjdk version \"17.0.15\" 2025-04-15;"
                                + " Linux 6.8.0 x86_64. Load average (1/5/15 min) at start 0.33 1.64 2.27, at end 1.95 1.80 2.10."),
                md);
        assertTrue(md.contains("Run it: `./leadmatch bench`"), md);
        assertFalse(md.contains("--quick"), "a full run is not flagged as quick");
    }

    @Test
    void unaryLatencyAgainstTheEchoAndItsTargets() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, p50 (closed loop) | 2,019 µs | bare echo: 1,326 µs | 1.52×"
                        + " | ≤ 1.2× echo | no |"),
                md);
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, p99 (closed loop) | 5,513 µs | bare echo: 7,102 µs | 0.78×"
                        + " | ≤ 1.5× echo | **yes** |"),
                md);
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, calls/s (closed loop) | 14,055/s | bare echo: 18,266/s"
                        + " | 0.77× | — | — |"),
                md);
    }

    @Test
    void streamingThroughputTargetIsARatioOfAtLeastPointEight() throws IOException {
        JsonObject results = fixture();
        assertTrue(render(results)
                .contains("| `MatchAndAssignStream`, messages/s (closed loop) | 19,306/s"
                        + " | bare echo: 34,603/s | 0.56× | ≥ 0.8× echo | no |"));
        results.getAsJsonObject("load_stream").getAsJsonObject("echo").addProperty("throughput_per_s", 24_000.0);
        assertTrue(render(results).contains("| 0.80× | ≥ 0.8× echo | **yes** |"), render(results));
    }

    @Test
    void failedCallsAreShownBesideTheFigure() throws IOException {
        JsonObject results = fixture();
        results.getAsJsonObject("load_unary").getAsJsonObject("leadmatch").addProperty("errors", 3);
        assertTrue(render(results).contains("| 2,019 µs, 3 errors | bare echo: 1,326 µs |"), render(results));
    }

    @Test
    void openLoopStreamingLatencyIsReportedWithoutATarget() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| `MatchAndAssignStream`, p99 (open loop at 5,000 msg/s, from intended send time)"
                        + " | 2,650 µs | bare echo: 1,325 µs | 2.00× | — | — |"),
                md);
    }

    @Test
    void inProcessRowsComeFromJmhWithTheirBaselines() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| In-process match+assign, p50 (`MatchBenchmark.matchAndAssign`, demo snapshot)"
                        + " | 850 ns p50, 168 B/op | — | — | ≤ 1 µs p50 and 0 B/op | no |"),
                md);
        assertTrue(
                md.contains("| Match, 1M accounts (`engineMatch`) vs bare Chronicle Map `getUsing` | 897 ns, 0 B/op"
                        + " | 753 ns, 0 B/op | 1.19× |"),
                md);
        assertTrue(
                md.contains("| Match, 10k accounts (`engineMatch`) vs on-heap fastutil map | 767 ns, 0 B/op"
                        + " | 9.0 ns, 0 B/op | 85.22× |"),
                md);
        assertTrue(
                md.contains("| Normalize the whole email, 1M inputs, vs Guava `topPrivateDomain` of the bare host"
                        + " | 144 ns, 0 B/op | 2,455 ns, 500 B/op | 0.06× |"),
                md);
    }

    @Test
    void allocationFreeAndFastMatchAndAssignMeetsItsTarget() throws IOException {
        JsonObject results = fixture();
        for (JsonElement e : results.getAsJsonArray("jmh")) {
            JsonObject b = e.getAsJsonObject();
            if (b.get("benchmark").getAsString().endsWith("matchAndAssign")) {
                b.getAsJsonObject("primaryMetric")
                        .getAsJsonObject("scorePercentiles")
                        .addProperty("50.0", 640.0);
                // Older JMH names the metric with a leading middle dot.
                JsonObject secondary = b.getAsJsonObject("secondaryMetrics");
                JsonObject norm = secondary.remove("gc.alloc.rate.norm").getAsJsonObject();
                norm.addProperty("score", 0.0003);
                secondary.add("·gc.alloc.rate.norm", norm);
            }
        }
        assertTrue(
                render(results).contains("| 640 ns p50, 0 B/op | — | — | ≤ 1 µs p50 and 0 B/op | **yes** |"),
                render(results));
    }

    @Test
    void projectedImportAgainstTenSeconds() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| Import 1M rows through one `MatchAndAssignStream` (real server process)"
                        + " | 40.0 s projected (25,000 rows/s over 100,000 rows) | — | — | < 10 s | no |"),
                md);
    }

    @Test
    void aQuickRunIsFlaggedAndWhatItDidNotMeasureIsLeftOut() throws IOException {
        JsonObject results = fixture();
        results.addProperty("quick", true);
        results.addProperty("command", "./leadmatch bench --quick");
        JsonArray tenK = new JsonArray();
        for (JsonElement e : results.getAsJsonArray("jmh")) {
            JsonObject params = e.getAsJsonObject().getAsJsonObject("params");
            if (params == null || params.get("size").getAsString().equals("10000")) {
                tenK.add(e);
            }
        }
        results.add("jmh", tenK);
        results.remove("load_stream_open");
        String md = render(results);
        assertTrue(md.contains("**A `--quick` run**"), md);
        assertTrue(md.contains("written by `./leadmatch bench --quick`"), md);
        assertFalse(md.contains("1M accounts"), md);
        assertFalse(md.contains("open loop"), md);
        assertTrue(md.contains("10k accounts"), md);
    }

    @Test
    void spliceReplacesOnlyTheMarkedSectionAndIsRepeatable() throws IOException {
        String readme = "# leadmatch\n\n## Performance\n\n" + ReadmeTable.BEGIN + "\nold table\n" + ReadmeTable.END
                + "\n\n## Development\n";
        String table = render(fixture());
        String once = ReadmeTable.splice(readme, table);
        assertTrue(once.startsWith("# leadmatch\n\n## Performance\n\n" + ReadmeTable.BEGIN + "\nGenerated from"));
        assertTrue(once.endsWith("rewrites this table).\n" + ReadmeTable.END + "\n\n## Development\n"), once);
        assertFalse(once.contains("old table"));
        assertEquals(once, ReadmeTable.splice(once, table));
        assertThrows(IllegalArgumentException.class, () -> ReadmeTable.splice("# no markers\n", table));
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadmeTable.splice(ReadmeTable.END + "\n" + ReadmeTable.BEGIN, table));
    }
}
