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
 * Renders the performance table from one results file of the suite ({@code bench/results/<ts>.json}, written by
 * {@code ./leadmatch bench}) and rewrites the section between {@value #BEGIN} and {@value #END} of a document
 * ({@code docs/performance.md}) with it. Every figure comes from the file: leadmatch's, the baselines measured in
 * the same run (the bare echo, the floor; the echo on leadmatch's own builder settings), the ratios, the target
 * and whether it is met; plus the machine and the command. A figure the run did not measure (JMH without
 * {@code --jmh}, say) is left out, never made up. It also prints each target's verdict.
 *
 * <p>Usage: {@code bench/run readme bench/results/<ts>.json [docs/performance.md]}, or {@code bench/run readme
 * --summary bench/results/<ts>.json} for the verdicts alone.
 */
public final class ReadmeTable {
    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";
    private static final String NONE = "—";
    private static final String USAGE =
            "usage: ReadmeTable bench/results/<timestamp>.json [docs/performance.md] | --summary <results.json>";

    private ReadmeTable() {}

    public static void main(String[] args) throws IOException {
        boolean summaryOnly = args.length == 2 && args[0].equals("--summary");
        if (!summaryOnly && (args.length < 1 || args.length > 2 || args[0].startsWith("-"))) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path results = Path.of(summaryOnly ? args[1] : args[0]);
        Path doc = Path.of(!summaryOnly && args.length > 1 ? args[1] : "docs/performance.md");
        JsonObject parsed;
        String table;
        try {
            parsed = JsonParser.parseString(Files.readString(results, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            table = render(parsed, results.getFileName().toString());
        } catch (IllegalArgumentException | IllegalStateException e) { // gson's parse errors are both kinds
            System.err.println("ReadmeTable: " + results + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.print(summary(parsed));
        if (summaryOnly) {
            return;
        }
        String updated;
        try {
            updated = splice(Files.readString(doc, StandardCharsets.UTF_8), table);
        } catch (IllegalArgumentException e) {
            System.err.println("ReadmeTable: " + doc + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Path tmp = doc.resolveSibling(doc.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, doc, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("rewrote the performance table in " + doc + " from " + results);
    }

    /** One line per target of the run: figure, ratio or value, target, met / not met. */
    static String summary(JsonObject results) {
        StringBuilder sb = new StringBuilder("targets:\n");
        for (String[] row : rows(results)) {
            String target = row[6];
            if (!target.equals(NONE)) {
                String ratio = !row[3].equals(NONE) ? row[3] : row[1];
                sb.append(String.format(
                        Locale.ROOT,
                        "  %-8s %s: %s (target %s)%n",
                        row[7].contains("yes") ? "met" : "NOT MET",
                        row[0].replace("`", ""),
                        ratio,
                        target));
            }
        }
        return sb.toString();
    }

    /** {@code readme} with the text between the markers replaced by {@code table}. */
    static String splice(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = begin < 0 ? -1 : readme.indexOf(END, begin);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " section");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }

    /** Every row of the table: figure, leadmatch, floor, ratio, echo on the builder, ratio, target, met. */
    static List<String[]> rows(JsonObject results) {
        List<String[]> rows = new ArrayList<>();
        startupRows(results, rows);
        firstCallRows(results, rows);
        loadRows(results, rows);
        importRow(results, rows);
        JsonArray jmh = results.has("jmh") ? results.getAsJsonArray("jmh") : new JsonArray();
        List<String[]> jmhRows = new ArrayList<>();
        jmhRows(jmh, jmhRows);
        for (String[] r : jmhRows) { // figure, ours, baseline, ratio, target, met: no builder-echo columns
            rows.add(new String[] {r[0], r[1], r[2], r[3], NONE, NONE, r[4], r[5]});
        }
        return rows;
    }

    /** The markdown for one results file; {@code fileName} is how the text names it. */
    static String render(JsonObject results, String fileName) {
        StringBuilder md = new StringBuilder();
        String command = string(results, "command", "./leadmatch bench");
        md.append(String.format(
                Locale.ROOT,
                "Generated from `bench/results/%s`, written by `%s` at %s%s.%n",
                fileName,
                command,
                string(results, "timestamp", "?"),
                results.has("seconds") ? " in " + results.get("seconds").getAsInt() + " s" : ""));
        if (results.has("quick") && results.get("quick").getAsBoolean()) {
            md.append("**A `--quick` run**: smoke-sized (short runs, small data); for trying the tooling, not for"
                    + " quoting.\n");
        }
        md.append('\n').append(machine(results)).append("\n\n");
        md.append("| Figure | leadmatch | Floor: bare echo | Ratio | Echo on leadmatch's builder | Ratio | Target |"
                + " Met |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (String[] row : rows(results)) {
            md.append('|');
            for (String cell : row) {
                md.append(' ').append(cell).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (String section : LOADS) {
            if (results.has(section)) {
                JsonObject load = results.getAsJsonObject(section);
                md.append(String.format(
                        Locale.ROOT,
                        "- `%s`: %s; rounds `%s` (L leadmatch, E bare echo, B echo on leadmatch's builder), response"
                                + " %d bytes.%n",
                        section,
                        string(load, "workload", "?"),
                        string(load, "order", "?"),
                        load.has("response_bytes") ? load.get("response_bytes").getAsInt() : 0));
            }
        }
        if (results.has("first_calls")) {
            JsonObject f = results.getAsJsonObject("first_calls");
            md.append(String.format(
                    Locale.ROOT,
                    "- `first_calls`: %s; p99 per block of %,d calls, first: %s µs; later: %s µs.%n",
                    string(f, "workload", "?"),
                    f.get("calls").getAsInt()
                            / Math.max(1, f.getAsJsonArray("first_block_p99_us").size()),
                    joined(f.getAsJsonArray("first_block_p99_us")),
                    joined(f.getAsJsonArray("later_block_p99_us"))));
        }
        md.append(String.format(
                Locale.ROOT,
                "%nRun it: `%s` (then `bench/run readme bench/results/<timestamp>.json docs/performance.md`"
                        + " rewrites this table).%n",
                command));
        return md.toString();
    }

    private static final String[] LOADS = {"load_unary_1", "load_unary_16", "load_stream"};

    private static String joined(JsonArray values) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement e : values) {
            sb.append(sb.length() == 0 ? "" : " ")
                    .append(e.isJsonNull() ? "?" : String.format(Locale.ROOT, "%,.0f", e.getAsDouble()));
        }
        return sb.toString();
    }

    // ---- start-up and the first calls ----

    private static void startupRows(JsonObject results, List<String[]> rows) {
        if (!results.has("startup")) {
            return;
        }
        JsonObject startup = results.getAsJsonObject("startup");
        String accounts = results.has("data") ? string(results.getAsJsonObject("data"), "accounts", "?") : "?";
        String[][] kinds = {{"cold", "Cold load", "5"}, {"restart", "Restart, unchanged snapshot,", "1"}};
        for (String[] kind : kinds) {
            if (!startup.has(kind[0])) {
                continue;
            }
            JsonObject s = startup.getAsJsonObject(kind[0]);
            double since = s.get("since_jvm_start_ms").getAsDouble() / 1000;
            double warm = s.get("warm_up_ms").getAsDouble() / 1000;
            double limit = Double.parseDouble(kind[2]);
            rows.add(new String[] {
                kind[1] + " " + accounts + " accounts: JVM start to ready (warm-up included)",
                String.format(Locale.ROOT, "%.2f s (warm-up %.2f s)", since, warm),
                NONE,
                NONE,
                NONE,
                NONE,
                String.format(Locale.ROOT, "≤ %s s", kind[2]),
                yesNo(since <= limit)
            });
        }
    }

    private static void firstCallRows(JsonObject results, List<String[]> rows) {
        if (!results.has("first_calls")) {
            return;
        }
        JsonObject f = results.getAsJsonObject("first_calls");
        JsonObject first = f.getAsJsonObject("first");
        JsonObject later = f.getAsJsonObject("later");
        String calls = String.format(Locale.ROOT, "%,d", f.get("calls").getAsInt());
        for (String[] p : new String[][] {{"p50_us", "p50", ""}, {"p99_us", "p99", "1.5"}}) {
            double a = first.get(p[0]).getAsDouble();
            double b = later.get(p[0]).getAsDouble();
            boolean hasTarget = !p[2].isEmpty();
            rows.add(new String[] {
                String.format(
                        Locale.ROOT,
                        "First %s calls after ready, %s (unary, %d/s open loop); ratio to the same %.0f s after ready",
                        calls,
                        p[1],
                        f.get("rps").getAsInt(),
                        f.get("again_after_seconds").getAsDouble()),
                micros(a) + errors(f, "first") + " (later: " + micros(b) + errors(f, "later") + ")",
                NONE,
                ratio(a, b),
                NONE,
                NONE,
                hasTarget ? "≤ " + p[2] + "× later" : NONE,
                hasTarget ? yesNo(a / b <= Double.parseDouble(p[2])) : NONE
            });
        }
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
        for (String[] unary : new String[][] {{"load_unary_1", "1"}, {"load_unary_16", "16"}}) {
            if (results.has(unary[0])) {
                JsonObject load = results.getAsJsonObject(unary[0]);
                String what = "Unary `MatchAndAssign`, " + unary[1] + " in flight (closed loop), ";
                latencyRow(rows, what + "p50", load, "p50_us", 1.3);
                latencyRow(rows, what + "p99", load, "p99_us", 1.5);
                latencyRow(rows, what + "p99.9", load, "p99_9_us", Double.NaN);
                latencyRow(rows, what + "max", load, "max_us", Double.NaN);
                throughputRow(rows, what + "calls/s", load, Double.NaN);
            }
        }
        if (results.has("load_stream")) {
            JsonObject load = results.getAsJsonObject("load_stream");
            String what = String.format(
                    Locale.ROOT,
                    "`MatchAndAssignStream`, %d streams × %d in flight, ",
                    load.get("channels").getAsInt(),
                    load.get("outstanding").getAsInt());
            throughputRow(rows, what + "messages/s", load, 0.8);
            latencyRow(rows, what + "p50", load, "p50_us", Double.NaN);
            latencyRow(rows, what + "p99", load, "p99_us", Double.NaN);
        }
    }

    /** A latency row; {@code maxRatio} NaN means no target for it. The ratio and the target are to the floor. */
    private static void latencyRow(List<String[]> rows, String figure, JsonObject load, String field, double maxRatio) {
        double ours = load.getAsJsonObject("leadmatch").get(field).getAsDouble();
        double echo = load.getAsJsonObject("echo").get(field).getAsDouble();
        JsonObject builder = load.has("echo_server_builder") ? load.getAsJsonObject("echo_server_builder") : null;
        double echoBuilder = builder == null ? Double.NaN : builder.get(field).getAsDouble();
        boolean hasTarget = !Double.isNaN(maxRatio);
        rows.add(new String[] {
            figure,
            micros(ours) + errors(load, "leadmatch"),
            micros(echo) + errors(load, "echo"),
            ratio(ours, echo),
            builder == null ? NONE : micros(echoBuilder) + errors(load, "echo_server_builder"),
            ratio(ours, echoBuilder),
            hasTarget ? String.format(Locale.ROOT, "≤ %.1f× floor", maxRatio) : NONE,
            hasTarget ? yesNo(ours / echo <= maxRatio) : NONE
        });
    }

    private static void throughputRow(List<String[]> rows, String figure, JsonObject load, double minRatio) {
        double ours = load.getAsJsonObject("leadmatch").get("throughput_per_s").getAsDouble();
        double echo = load.getAsJsonObject("echo").get("throughput_per_s").getAsDouble();
        JsonObject builder = load.has("echo_server_builder") ? load.getAsJsonObject("echo_server_builder") : null;
        double echoBuilder =
                builder == null ? Double.NaN : builder.get("throughput_per_s").getAsDouble();
        boolean hasTarget = !Double.isNaN(minRatio);
        rows.add(new String[] {
            figure,
            perSecond(ours) + errors(load, "leadmatch"),
            perSecond(echo) + errors(load, "echo"),
            ratio(ours, echo),
            builder == null ? NONE : perSecond(echoBuilder) + errors(load, "echo_server_builder"),
            ratio(ours, echoBuilder),
            hasTarget ? String.format(Locale.ROOT, "≥ %.1f× floor", minRatio) : NONE,
            hasTarget ? yesNo(ours / echo >= minRatio) : NONE
        });
    }

    /** ", N errors" when the side saw failed calls (its figures then count only the calls that succeeded). */
    private static String errors(JsonObject load, String side) {
        JsonObject o = load.getAsJsonObject(side);
        long n = o != null && o.has("errors") ? o.get("errors").getAsLong() : 0;
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
