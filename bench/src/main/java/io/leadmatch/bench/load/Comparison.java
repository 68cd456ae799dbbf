package io.leadmatch.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * leadmatch and the echo baseline under the same workload, and their ratios (leadmatch / echo: above 1 means
 * leadmatch is slower for latencies, below 1 means less throughput). Each side was measured in several rounds,
 * interleaved with the other side's; its figures pool all its rounds (calls over the summed measured seconds,
 * percentiles of the merged histogram), and the per-round throughputs show the spread.
 *
 * @param workload      the workload in words
 * @param responseBytes size of the echo's response: the median serialized AssignResponse of the probe calls
 * @param order         the order the rounds ran in, e.g. "LEEL" (L = leadmatch, E = echo)
 * @param ourRounds     leadmatch, one result per round
 * @param echoRounds    the bare echo server, one result per round
 * @param ours          leadmatch, all rounds pooled (and the warm-up's errors)
 * @param echo          the echo, all rounds pooled (and the warm-up's errors)
 */
record Comparison(
        String workload,
        int responseBytes,
        String order,
        List<RunResult> ourRounds,
        List<RunResult> echoRounds,
        RunResult ours,
        RunResult echo) {

    /** Pools each side's rounds; warm-up runs add their errors only (they measure no calls and no time). */
    static Comparison of(
            String workload,
            int responseBytes,
            String order,
            List<RunResult> ourWarmup,
            List<RunResult> ourRounds,
            List<RunResult> echoWarmup,
            List<RunResult> echoRounds) {
        return new Comparison(
                workload,
                responseBytes,
                order,
                List.copyOf(ourRounds),
                List.copyOf(echoRounds),
                RunResult.pooled(concat(ourRounds, ourWarmup)),
                RunResult.pooled(concat(echoRounds, echoWarmup)));
    }

    private static List<RunResult> concat(List<RunResult> a, List<RunResult> b) {
        List<RunResult> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    double latencyRatio(double percentile) {
        return ratio(ours.micros(percentile), echo.micros(percentile));
    }

    double maxRatio() {
        return ratio(ours.maxMicros(), echo.maxMicros());
    }

    double throughputRatio() {
        return ratio(ours.throughput(), echo.throughput());
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
        sb.append(String.format(
                Locale.ROOT,
                "rounds %s (L leadmatch, E echo); calls/s per round: leadmatch %s," + " echo %s%n",
                order,
                perRound(ourRounds),
                perRound(echoRounds)));
        sb.append(String.format(
                Locale.ROOT,
                "%-10s %12s %7s %12s %10s %10s %10s %10s %10s%n",
                "",
                "calls",
                "errors",
                "calls/s",
                "p50 µs",
                "p90 µs",
                "p99 µs",
                "p99.9 µs",
                "max µs"));
        for (RunResult r : new RunResult[] {ours, echo}) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-10s %,12d %,7d %,12.0f %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f%n",
                    r.target(),
                    r.calls(),
                    r.errors(),
                    r.throughput(),
                    r.micros(50),
                    r.micros(90),
                    r.micros(99),
                    r.micros(99.9),
                    r.maxMicros()));
        }
        sb.append(String.format(
                Locale.ROOT,
                "%-10s %12s %7s %11.2fx %9.2fx %9.2fx %9.2fx %9.2fx %9.2fx%n",
                "ratio",
                "",
                "",
                throughputRatio(),
                latencyRatio(50),
                latencyRatio(90),
                latencyRatio(99),
                latencyRatio(99.9),
                maxRatio()));
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
        sb.append("  \"duration_seconds\": ").append(options.durationSeconds()).append(",\n");
        sb.append("  \"warmup_seconds\": ").append(options.warmupSeconds()).append(",\n");
        sb.append("  \"response_bytes\": ").append(responseBytes).append(",\n");
        sb.append("  \"rounds\": ").append(ourRounds.size()).append(",\n");
        sb.append("  \"order\": ").append(quote(order)).append(",\n");
        sb.append("  \"leadmatch_rounds_per_s\": [")
                .append(perRoundJson(ourRounds))
                .append("],\n");
        sb.append("  \"echo_rounds_per_s\": [").append(perRoundJson(echoRounds)).append("],\n");
        sb.append("  \"leadmatch\": ");
        run(sb, ours);
        sb.append(",\n  \"echo\": ");
        run(sb, echo);
        sb.append(",\n  \"ratio\": {\"throughput\": ").append(number(throughputRatio()));
        sb.append(", \"p50\": ").append(number(latencyRatio(50)));
        sb.append(", \"p90\": ").append(number(latencyRatio(90)));
        sb.append(", \"p99\": ").append(number(latencyRatio(99)));
        sb.append(", \"p99_9\": ").append(number(latencyRatio(99.9)));
        sb.append(", \"max\": ").append(number(maxRatio()));
        sb.append("}\n}\n");
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

    private static void run(StringBuilder sb, RunResult r) {
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

    private static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    private static String quote(String s) {
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
