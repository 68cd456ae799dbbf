package io.leadmatch.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * leadmatch and its baselines under the same workload, and the ratios to each (leadmatch / baseline: above 1 means
 * leadmatch is slower for latencies, below 1 means less throughput). Each side was measured in several rounds,
 * interleaved with the others'; its figures pool all its rounds (calls over the summed measured seconds,
 * percentiles of the merged histogram), and the per-round throughputs show the spread.
 *
 * <p>The first baseline is the floor, the bare echo ({@code echo}); a second, when measured, is the echo on the
 * server's own builder settings ({@code echo_server_builder}).
 *
 * @param workload      the workload in words
 * @param responseBytes size of the echo's response: the median serialized AssignResponse of the probe calls
 * @param order         the order the rounds ran in, e.g. "LEBBEL" (L leadmatch, E bare echo, B echo on the
 *                      server's builder)
 * @param sides         leadmatch first, then the baselines
 */
record Comparison(String workload, int responseBytes, String order, List<Side> sides) {

    /**
     * One measured side.
     *
     * @param name   "leadmatch", "echo" or "echo_server_builder"
     * @param rounds one result per round
     * @param pooled all rounds pooled (and the warm-up's errors)
     */
    record Side(String name, List<RunResult> rounds, RunResult pooled) {
        /** Pools the rounds; warm-up runs add their errors only (they measure no calls and no time). */
        static Side of(String name, List<RunResult> rounds, List<RunResult> warmup) {
            List<RunResult> all = new ArrayList<>(rounds);
            all.addAll(warmup);
            return new Side(name, List.copyOf(rounds), RunResult.pooled(all));
        }
    }

    Comparison {
        sides = List.copyOf(sides);
        if (sides.size() < 2) {
            throw new IllegalArgumentException("leadmatch and at least one baseline");
        }
    }

    RunResult ours() {
        return sides.get(0).pooled();
    }

    /** The floor: the bare echo. */
    RunResult echo() {
        return sides.get(1).pooled();
    }

    List<RunResult> ourRounds() {
        return sides.get(0).rounds();
    }

    List<RunResult> echoRounds() {
        return sides.get(1).rounds();
    }

    double latencyRatio(double percentile) {
        return ratio(ours().micros(percentile), echo().micros(percentile));
    }

    double throughputRatio() {
        return ratio(ours().throughput(), echo().throughput());
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    /** The human table. */
    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(workload).append('\n');
        sb.append(String.format(
                Locale.ROOT, "echo response: %d bytes (median serialized AssignResponse)%n", responseBytes));
        sb.append(String.format(Locale.ROOT, "rounds %s; calls/s per round:", order));
        for (Side side : sides) {
            sb.append(' ')
                    .append(side.name())
                    .append(' ')
                    .append(perRound(side.rounds()))
                    .append(';');
        }
        sb.append('\n');
        sb.append(String.format(
                Locale.ROOT,
                "%-20s %12s %7s %12s %10s %10s %10s %10s %10s%n",
                "",
                "calls",
                "errors",
                "calls/s",
                "p50 µs",
                "p90 µs",
                "p99 µs",
                "p99.9 µs",
                "max µs"));
        for (Side side : sides) {
            RunResult r = side.pooled();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-20s %,12d %,7d %,12.0f %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f%n",
                    side.name(),
                    r.calls(),
                    r.errors(),
                    r.throughput(),
                    r.micros(50),
                    r.micros(90),
                    r.micros(99),
                    r.micros(99.9),
                    r.maxMicros()));
        }
        for (Side base : sides.subList(1, sides.size())) {
            RunResult o = ours();
            RunResult b = base.pooled();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-20s %12s %7s %11.2fx %9.2fx %9.2fx %9.2fx %9.2fx %9.2fx%n",
                    "ratio/" + base.name(),
                    "",
                    "",
                    ratio(o.throughput(), b.throughput()),
                    ratio(o.micros(50), b.micros(50)),
                    ratio(o.micros(90), b.micros(90)),
                    ratio(o.micros(99), b.micros(99)),
                    ratio(o.micros(99.9), b.micros(99.9)),
                    ratio(o.maxMicros(), b.maxMicros())));
        }
        return sb.toString();
    }

    /** The same figures as JSON. */
    String json(LoadOptions options) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("  \"workload\": ").append(quote(workload)).append(",\n");
        sb.append("  \"rpc\": ")
                .append(quote(options.rpc().name().toLowerCase(Locale.ROOT)))
                .append(",\n");
        sb.append("  \"mode\": ")
                .append(quote(options.mode().name().toLowerCase(Locale.ROOT)))
                .append(",\n");
        sb.append("  \"rps\": ")
                .append(options.mode() == LoadOptions.Mode.OPEN ? options.rps() : 0)
                .append(",\n");
        sb.append("  \"channels\": ").append(options.channels()).append(",\n");
        sb.append("  \"outstanding\": ").append(options.outstanding()).append(",\n");
        sb.append("  \"in_flight\": ")
                .append(options.channels() * options.outstanding())
                .append(",\n");
        sb.append("  \"duration_seconds\": ").append(options.durationSeconds()).append(",\n");
        sb.append("  \"warmup_seconds\": ").append(options.warmupSeconds()).append(",\n");
        sb.append("  \"response_bytes\": ").append(responseBytes).append(",\n");
        sb.append("  \"rounds\": ").append(ourRounds().size()).append(",\n");
        sb.append("  \"order\": ").append(quote(order)).append(",\n");
        for (Side side : sides) {
            sb.append("  \"")
                    .append(side.name())
                    .append("_rounds_per_s\": [")
                    .append(perRoundJson(side.rounds()))
                    .append("],\n");
        }
        for (Side side : sides) {
            sb.append("  \"").append(side.name()).append("\": ");
            run(sb, side.pooled());
            sb.append(",\n");
        }
        for (int i = 1; i < sides.size(); i++) {
            Side base = sides.get(i);
            RunResult o = ours();
            RunResult b = base.pooled();
            sb.append(i == 1 ? "  \"ratio\"" : "  \"ratio_" + base.name() + "\"");
            sb.append(": {\"throughput\": ").append(number(ratio(o.throughput(), b.throughput())));
            sb.append(", \"p50\": ").append(number(ratio(o.micros(50), b.micros(50))));
            sb.append(", \"p90\": ").append(number(ratio(o.micros(90), b.micros(90))));
            sb.append(", \"p99\": ").append(number(ratio(o.micros(99), b.micros(99))));
            sb.append(", \"p99_9\": ").append(number(ratio(o.micros(99.9), b.micros(99.9))));
            sb.append(", \"max\": ").append(number(ratio(o.maxMicros(), b.maxMicros())));
            sb.append(i == sides.size() - 1 ? "}\n" : "},\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String perRound(List<RunResult> rounds) {
        return rounds.stream()
                .map(r -> String.format(Locale.ROOT, "%,.0f", r.throughput()))
                .collect(Collectors.joining(" / "));
    }

    private static String perRoundJson(List<RunResult> rounds) {
        return rounds.stream().map(r -> number(r.throughput())).collect(Collectors.joining(", "));
    }

    static void run(StringBuilder sb, RunResult r) {
        sb.append("{\"calls\": ")
                .append(r.calls())
                .append(", \"errors\": ")
                .append(r.errors())
                .append(", \"throughput_per_s\": ")
                .append(number(r.throughput()))
                .append(", \"p50_us\": ")
                .append(number(r.micros(50)))
                .append(", \"p90_us\": ")
                .append(number(r.micros(90)))
                .append(", \"p99_us\": ")
                .append(number(r.micros(99)))
                .append(", \"p99_9_us\": ")
                .append(number(r.micros(99.9)))
                .append(", \"max_us\": ")
                .append(number(r.maxMicros()))
                .append('}');
    }

    static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
