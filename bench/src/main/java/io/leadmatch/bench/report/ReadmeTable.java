package io.leadmatch.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the README's performance table from one results file of the suite ({@code bench/results/<ts>.json},
 * written by {@code ./leadmatch bench}) and rewrites the README section between {@value #BEGIN} and
 * {@value #END} with it. Every figure comes from the file: leadmatch's, the baseline measured in the same run,
 * the ratio, the target and whether it is met; plus the machine and the command. A figure the
 * run did not measure (the 1M-domain JMH rows in a {@code --quick} run, say) is left out, never made up.
 *
 * <p>Usage: {@code bench/run readme bench/results/<ts>.json [README.md]}
 */
public final class ReadmeTable {
    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";
    private static final String NONE = "—";

    private ReadmeTable() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
            System.err.println("usage: ReadmeTable bench/results/<timestamp>.json [README.md]");
            System.exit(2);
            return;
        }
        Path results = Path.of(args[0]);
        Path readme = Path.of(args.length > 1 ? args[1] : "README.md");
        String table;
        String updated;
        try {
            table = render(
                    JsonParser.parseString(Files.readString(results, StandardCharsets.UTF_8))
                            .getAsJsonObject(),
                    results.getFileName().toString());
            updated = splice(Files.readString(readme, StandardCharsets.UTF_8), table);
        } catch (IllegalArgumentException | IllegalStateException e) { // gson's parse errors are both kinds
            System.err.println("ReadmeTable: " + results + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Path tmp = readme.resolveSibling(readme.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, readme, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("rewrote the performance table in " + readme + " from " + results);
    }

    /** {@code readme} with the text between the markers replaced by {@code table}. */
    static String splice(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = begin < 0 ? -1 : readme.indexOf(END, begin);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("the README has no " + BEGIN + " ... " + END + " section");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }

    /** The markdown for one results file; {@code fileName} is how the text names it. */
    static String render(JsonObject results, String fileName) {
        StringBuilder md = new StringBuilder();
        String command = string(results, "command", "./leadmatch bench");
        md.append(String.format(
                Locale.ROOT,
                "Generated from `bench/results/%s`, written by `%s` at %s.%n",
                fileName,
                command,
                string(results, "timestamp", "?")));
        if (results.has("quick") && results.get("quick").getAsBoolean()) {
            md.append("**A `--quick` run**: smoke-sized (short runs, small data); for trying the tooling, not for"
                    + " quoting.\n");
        }
        md.append('\n').append(machine(results)).append("\n\n");

        List<String[]> rows = new ArrayList<>();
        JsonArray jmh = results.has("jmh") ? results.getAsJsonArray("jmh") : new JsonArray();
        jmhRows(jmh, rows);
        loadRows(results, rows);
        importRow(results, rows);

        md.append("| Figure | leadmatch | Baseline (same run) | Ratio | Target | Met |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            md.append('|');
            for (String cell : row) {
                md.append(' ').append(cell).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (String section : new String[] {"load_unary", "load_stream", "load_stream_open"}) {
            if (results.has(section)) {
                JsonObject load = results.getAsJsonObject(section);
                md.append(String.format(
                        Locale.ROOT,
                        "- `%s`: %s; rounds `%s` (L leadmatch, E echo), response %d" + " bytes.%n",
                        section,
                        string(load, "workload", "?"),
                        string(load, "order", "?"),
                        load.has("response_bytes") ? load.get("response_bytes").getAsInt() : 0));
            }
        }
        md.append(String.format(
                Locale.ROOT,
                "%nRun it: `%s` (then `bench/run readme bench/results/<timestamp>.json`" + " rewrites this table).%n",
                command));
        return md.toString();
    }

    private static String machine(JsonObject results) {
        if (!results.has("machine") || !results.get("machine").isJsonObject()) {
            return "Machine: not recorded.";
        }
        JsonObject m = results.getAsJsonObject("machine");
        StringBuilder sb = new StringBuilder("Machine: ");
        sb.append(string(m, "cpu", "unknown CPU"))
                .append(", ")
                .append(string(m, "cores", "?"))
                .append(" cores, ")
                .append(string(m, "memory", "? memory"))
                .append("; ")
                .append(string(m, "jdk", "unknown JDK"))
                .append("; ")
                .append(string(m, "os", "unknown OS"))
                .append('.');
        if (results.has("load_average")) {
            JsonObject la = results.getAsJsonObject("load_average");
            sb.append(" Load average (1/5/15 min) at start ")
                    .append(string(la, "start", "?"))
                    .append(", at end ")
                    .append(string(la, "end", "?"))
                    .append('.');
        }
        return sb.toString();
    }

    // ---- JMH: in-process figures ----

    private static void jmhRows(JsonArray jmh, List<String[]> rows) {
        JsonObject assign = benchmark(jmh, "MatchBenchmark.matchAndAssign", null);
        if (assign != null) {
            double p50 = percentile(assign, "50.0");
            double bytes = allocation(assign);
            boolean met = p50 <= 1_000 && bytes < 0.5;
            rows.add(new String[] {
                "In-process match+assign, p50 (`MatchBenchmark.matchAndAssign`, demo snapshot)",
                nanos(p50) + " p50, " + bytes(bytes),
                NONE,
                NONE,
                "≤ 1 µs p50 and 0 B/op",
                yesNo(met)
            });
        }
        for (String[] variant :
                new String[][] {{"owner", "batch"}, {"roundRobin", "batch"}, {"owner", "none"}, {"roundRobin", "none"}
                }) {
            String path = variant[0];
            JsonObject both = benchmarkWith(jmh, "MatchAndAssignBenchmark.matchAndAssign", path, variant[1]);
            JsonObject alone = benchmarkWith(jmh, "MatchAndAssignBenchmark.match", path, variant[1]);
            if (both != null && alone != null) {
                double step = score(both) - score(alone);
                double bytes = allocation(both) - allocation(alone);
                rows.add(new String[] {
                    "Assignment step (" + (path.equals("owner") ? "account owner" : "territory + " + "round robin")
                            + ", journal `" + variant[1] + "`): match+assign − match "
                            + "(`MatchAndAssignBenchmark`)",
                    nanos(step) + ", " + bytes(Math.max(0, bytes)),
                    "match alone " + nanos(score(alone)) + ", " + bytes(allocation(alone)),
                    ratio(score(both), score(alone)),
                    "≤ 150 ns and 0 B/op",
                    yesNo(step <= 150 && bytes < 0.5)
                });
            }
        }
        for (String size : new String[] {"1000000", "10000"}) {
            JsonObject match = benchmark(jmh, "DomainIndexBenchmark.engineMatch", size);
            String label = size.equals("1000000") ? "1M" : "10k";
            if (match != null) {
                baselineRow(
                        rows,
                        "Match, " + label + " accounts (`engineMatch`) vs bare Chronicle Map `getUsing`",
                        match,
                        benchmark(jmh, "DomainIndexBenchmark.chronicleGetUsing", size));
                baselineRow(
                        rows,
                        "Match, " + label + " accounts (`engineMatch`) vs on-heap fastutil map",
                        match,
                        benchmark(jmh, "DomainIndexBenchmark.fastutilGet", size));
            }
            JsonObject normalize = benchmark(jmh, "DomainIndexBenchmark.normalize", size);
            if (normalize != null) {
                baselineRow(
                        rows,
                        "Normalize the whole email, " + label + " inputs, vs Guava `topPrivateDomain` of"
                                + " the bare host",
                        normalize,
                        benchmark(jmh, "DomainIndexBenchmark.guavaTopPrivateDomain", size));
            }
        }
    }

    private static void baselineRow(List<String[]> rows, String figure, JsonObject ours, JsonObject baseline) {
        double a = score(ours);
        double b = baseline == null ? Double.NaN : score(baseline);
        rows.add(new String[] {
            figure,
            nanos(a) + ", " + bytes(allocation(ours)),
            baseline == null ? "not measured" : nanos(b) + ", " + bytes(allocation(baseline)),
            ratio(a, b),
            NONE,
            NONE
        });
    }

    /** The {@code MatchAndAssignBenchmark} result for {@code Class.method} with these params, or null. */
    private static JsonObject benchmarkWith(JsonArray jmh, String name, String path, String fsync) {
        for (JsonElement e : jmh) {
            JsonObject b = e.getAsJsonObject();
            if (string(b, "benchmark", "").endsWith("." + name)
                    && b.has("params")
                    && path.equals(string(b.getAsJsonObject("params"), "path", null))
                    && fsync.equals(string(b.getAsJsonObject("params"), "fsync", null))) {
                return b;
            }
        }
        return null;
    }

    /** The JMH result for {@code Class.method} (and @Param size, when given), or null. */
    private static JsonObject benchmark(JsonArray jmh, String name, String size) {
        for (JsonElement e : jmh) {
            JsonObject b = e.getAsJsonObject();
            if (!string(b, "benchmark", "").endsWith("." + name)) {
                continue;
            }
            String param = b.has("params") ? string(b.getAsJsonObject("params"), "size", null) : null;
            if (size == null || size.equals(param)) {
                return b;
            }
        }
        return null;
    }

    private static double score(JsonObject benchmark) {
        return benchmark.getAsJsonObject("primaryMetric").get("score").getAsDouble();
    }

    private static double percentile(JsonObject benchmark, String p) {
        JsonObject primary = benchmark.getAsJsonObject("primaryMetric");
        if (!primary.has("scorePercentiles")
                || !primary.getAsJsonObject("scorePercentiles").has(p)) {
            return Double.NaN;
        }
        return primary.getAsJsonObject("scorePercentiles").get(p).getAsDouble();
    }

    /** B/op from {@code -prof gc} (JMH names it "·gc.alloc.rate.norm" or, from 1.37, "gc.alloc.rate.norm"). */
    private static double allocation(JsonObject benchmark) {
        if (!benchmark.has("secondaryMetrics")) {
            return Double.NaN;
        }
        for (Map.Entry<String, JsonElement> e :
                benchmark.getAsJsonObject("secondaryMetrics").entrySet()) {
            if (e.getKey().replace("·", "").equals("gc.alloc.rate.norm")) {
                return e.getValue().getAsJsonObject().get("score").getAsDouble();
            }
        }
        return Double.NaN;
    }

    // ---- gRPC load generator: leadmatch vs the bare echo ----

    private static void loadRows(JsonObject results, List<String[]> rows) {
        if (results.has("load_unary")) {
            JsonObject unary = results.getAsJsonObject("load_unary");
            latencyRow(rows, "Unary `MatchAndAssign`, p50 (closed loop)", unary, "p50_us", 1.2);
            latencyRow(rows, "Unary `MatchAndAssign`, p99 (closed loop)", unary, "p99_us", 1.5);
            throughputRow(rows, "Unary `MatchAndAssign`, calls/s (closed loop)", unary, Double.NaN);
        }
        if (results.has("load_stream")) {
            throughputRow(
                    rows,
                    "`MatchAndAssignStream`, messages/s (closed loop)",
                    results.getAsJsonObject("load_stream"),
                    0.8);
        }
        if (results.has("load_stream_open")) {
            JsonObject open = results.getAsJsonObject("load_stream_open");
            String at =
                    String.format(Locale.ROOT, " at %,d msg/s", open.get("rps").getAsInt());
            latencyRow(
                    rows,
                    "`MatchAndAssignStream`, p50 (open loop" + at + ", from intended send time)",
                    open,
                    "p50_us",
                    Double.NaN);
            latencyRow(
                    rows,
                    "`MatchAndAssignStream`, p99 (open loop" + at + ", from intended send time)",
                    open,
                    "p99_us",
                    Double.NaN);
        }
    }

    /** A latency row; {@code maxRatio} NaN means the row has no target. */
    private static void latencyRow(List<String[]> rows, String figure, JsonObject load, String field, double maxRatio) {
        double ours = load.getAsJsonObject("leadmatch").get(field).getAsDouble();
        double echo = load.getAsJsonObject("echo").get(field).getAsDouble();
        boolean hasTarget = !Double.isNaN(maxRatio);
        rows.add(new String[] {
            figure,
            micros(ours) + errors(load, "leadmatch"),
            "bare echo: " + micros(echo) + errors(load, "echo"),
            ratio(ours, echo),
            hasTarget ? String.format(Locale.ROOT, "≤ %.1f× echo", maxRatio) : NONE,
            hasTarget ? yesNo(ours / echo <= maxRatio) : NONE
        });
    }

    private static void throughputRow(List<String[]> rows, String figure, JsonObject load, double minRatio) {
        double ours = load.getAsJsonObject("leadmatch").get("throughput_per_s").getAsDouble();
        double echo = load.getAsJsonObject("echo").get("throughput_per_s").getAsDouble();
        boolean hasTarget = !Double.isNaN(minRatio);
        rows.add(new String[] {
            figure,
            perSecond(ours) + errors(load, "leadmatch"),
            "bare echo: " + perSecond(echo) + errors(load, "echo"),
            ratio(ours, echo),
            hasTarget ? String.format(Locale.ROOT, "≥ %.1f× echo", minRatio) : NONE,
            hasTarget ? yesNo(ours / echo >= minRatio) : NONE
        });
    }

    /** ", N errors" when the side saw failed calls (its figures then count only the calls that succeeded). */
    private static String errors(JsonObject load, String side) {
        long n = load.getAsJsonObject(side).get("errors").getAsLong();
        return n == 0 ? "" : String.format(Locale.ROOT, ", %,d errors", n);
    }

    // ---- the import ----

    private static void importRow(JsonObject results, List<String[]> rows) {
        if (!results.has("import")) {
            return;
        }
        JsonObject imp = results.getAsJsonObject("import");
        long rowsSent = imp.get("rows").getAsLong();
        long targetRows = imp.get("target_rows").getAsLong();
        double targetSeconds = imp.get("target_seconds").getAsDouble();
        double seconds = imp.get("seconds_for_target_rows").getAsDouble();
        boolean projected = imp.get("projected").getAsBoolean();
        long errors = imp.get("errors").getAsLong();
        String ours = String.format(
                Locale.ROOT,
                "%.1f s%s (%,.0f rows/s%s)",
                seconds,
                projected ? " projected" : "",
                imp.get("rows_per_s").getAsDouble(),
                projected ? String.format(Locale.ROOT, " over %,d rows", rowsSent) : "");
        if (errors > 0) {
            ours += String.format(Locale.ROOT, ", %d errors", errors);
        }
        rows.add(new String[] {
            String.format(
                    Locale.ROOT,
                    "Import %s rows through one `MatchAndAssignStream`" + " (real server process)",
                    count(targetRows)),
            ours,
            NONE,
            NONE,
            String.format(Locale.ROOT, "< %.0f s", targetSeconds),
            yesNo(errors == 0 && seconds < targetSeconds)
        });
    }

    // ---- formatting ----

    private static String string(JsonObject o, String key, String fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : fallback;
    }

    private static String yesNo(boolean met) {
        return met ? "**yes**" : "no";
    }

    private static String ratio(double a, double b) {
        return Double.isFinite(a) && Double.isFinite(b) && b != 0 ? String.format(Locale.ROOT, "%.2f×", a / b) : NONE;
    }

    private static String nanos(double ns) {
        if (!Double.isFinite(ns)) {
            return "? ns";
        }
        return String.format(Locale.ROOT, ns < 10 ? "%.1f ns" : "%,.0f ns", ns);
    }

    private static String micros(double us) {
        return String.format(Locale.ROOT, us < 10 ? "%.1f µs" : "%,.0f µs", us);
    }

    private static String bytes(double b) {
        if (!Double.isFinite(b)) {
            return "B/op not measured";
        }
        return b < 0.5 ? "0 B/op" : String.format(Locale.ROOT, "%,.0f B/op", b);
    }

    private static String perSecond(double n) {
        return String.format(Locale.ROOT, "%,.0f/s", n);
    }

    private static String count(long n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : String.format(Locale.ROOT, "%,d", n);
    }
}
