package io.leadmatch.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Serving latency from the first call: a low-rate open loop (a form backend's traffic, 50 calls/s by default)
 * against a server that has just said it is ready, the first {@code --calls} calls measured, and the same number
 * again once the server has been up {@code --again-after-seconds}. Latency counts from each call's intended send
 * time (coordinated omission corrected). The client warms itself up against an echo first, so that the first calls
 * measure the server's cold code and not the client's.
 *
 * <p>Sequence: warm up against {@code --warm-echo}; print {@value #WARM} (the suite starts the server on it); wait
 * until {@code --server-log} has {@value #READY}; measure the first calls, in blocks of {@code --block} calls (each
 * block's p99 shows how the latency settles); wait until {@code --again-after-seconds} after ready; measure again.
 *
 * <p>Usage: see {@link #USAGE}.
 */
public final class FirstCalls {
    static final String WARM = "client warm";
    static final String READY = "leadmatch listening on";

    static final String USAGE = String.join(
            "\n",
            "usage: bench/run first-calls --target host:port --leads leads.csv --server-log FILE --warm-echo host:port",
            "                            [--rps 50] [--calls 10000] [--block 1000] [--again-after-seconds 300]",
            "                            [--again-when FILE] [--json out.json]",
            "  --server-log FILE        the server's output; measuring starts when it says '" + READY + "'",
            "  --warm-echo host:port    a running echo (bench/run echo) the client warms itself up against first",
            "  --again-when FILE        measure again only once FILE exists too (other measurements are done)");

    private FirstCalls() {}

    /** The options, validated. */
    record Options(
            String target,
            Path leads,
            Path serverLog,
            String warmEcho,
            int rps,
            int calls,
            int block,
            int againAfterSeconds,
            Path againWhen,
            Path json) {
        Options {
            for (String hostPort : new String[] {target, warmEcho}) {
                if (hostPort == null || hostPort.lastIndexOf(':') <= 0) {
                    throw new IllegalArgumentException("--target and --warm-echo want host:port");
                }
                if (!LoadOptions.isLoopback(LoadOptions.host(hostPort))) {
                    throw new IllegalArgumentException("only localhost targets, got " + hostPort);
                }
            }
            if (leads == null || serverLog == null) {
                throw new IllegalArgumentException("--leads and --server-log are required");
            }
            if (rps <= 0 || calls <= 0 || block <= 0 || calls % block != 0 || againAfterSeconds < 0) {
                throw new IllegalArgumentException(
                        "--rps, --calls, --block must be > 0, --calls a multiple of --block, --again-after-seconds"
                                + " >= 0");
            }
        }

        static Options parse(String... args) {
            String target = null;
            String echo = null;
            Path leads = null;
            Path log = null;
            int rps = 50;
            int calls = 10_000;
            int block = 1_000;
            int again = 300;
            Path againWhen = null;
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--target" -> target = v;
                    case "--warm-echo" -> echo = v;
                    case "--leads" -> leads = Path.of(v);
                    case "--server-log" -> log = Path.of(v);
                    case "--rps" -> rps = LoadOptions.number(a, v);
                    case "--calls" -> calls = LoadOptions.number(a, v);
                    case "--block" -> block = LoadOptions.number(a, v);
                    case "--again-after-seconds" -> again = LoadOptions.number(a, v);
                    case "--again-when" -> againWhen = Path.of(v);
                    case "--json" -> json = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return new Options(target, leads, log, echo, rps, calls, block, again, againWhen, json);
        }

        /** The open loop as the load generator's options (one channel, unary). */
        LoadOptions load(String hostPort) {
            return LoadOptions.parse(
                    "--target",
                    hostPort,
                    "--leads",
                    leads.toString(),
                    "--mode",
                    "open",
                    "--rpc",
                    "unary",
                    "--rps",
                    Integer.toString(rps),
                    "--channels",
                    "1",
                    "--duration-seconds",
                    Integer.toString(Math.max(1, calls / rps)),
                    "--rounds",
                    "1");
        }
    }

    /** What was measured: the first calls after ready and the same count later, each in blocks. */
    record Result(
            Options options,
            double readyToFirstMillis,
            double laterAfterSeconds,
            List<RunResult> first,
            List<RunResult> later) {
        RunResult firstPooled() {
            return RunResult.pooled(first);
        }

        RunResult laterPooled() {
            return RunResult.pooled(later);
        }

        String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                    Locale.ROOT,
                    "unary MatchAndAssign open loop %d calls/s, one channel: the first %,d calls after ready vs %,d"
                            + " calls from %.0f s after ready (latency from the intended send time)%n",
                    options.rps(),
                    options.calls(),
                    options.calls(),
                    laterAfterSeconds));
            sb.append(String.format(
                    Locale.ROOT,
                    "%-12s %8s %7s %10s %10s %10s %10s %10s%n",
                    "",
                    "calls",
                    "errors",
                    "p50 µs",
                    "p90 µs",
                    "p99 µs",
                    "p99.9 µs",
                    "max µs"));
            for (RunResult r : new RunResult[] {firstPooled(), laterPooled()}) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-12s %,8d %,7d %,10.1f %,10.1f %,10.1f %,10.1f %,10.1f%n",
                        r.target(),
                        r.calls(),
                        r.errors(),
                        r.micros(50),
                        r.micros(90),
                        r.micros(99),
                        r.micros(99.9),
                        r.maxMicros()));
            }
            RunResult a = firstPooled();
            RunResult b = laterPooled();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-12s %8s %7s %9.2fx %9.2fx %9.2fx %9.2fx %9.2fx%n",
                    "ratio",
                    "",
                    "",
                    a.micros(50) / b.micros(50),
                    a.micros(90) / b.micros(90),
                    a.micros(99) / b.micros(99),
                    a.micros(99.9) / b.micros(99.9),
                    a.maxMicros() / b.maxMicros()));
            sb.append("p99 µs per block of ").append(options.block()).append(" calls, first:");
            first.forEach(r -> sb.append(String.format(Locale.ROOT, " %.0f", r.micros(99))));
            sb.append("; later:");
            later.forEach(r -> sb.append(String.format(Locale.ROOT, " %.0f", r.micros(99))));
            sb.append('\n');
            return sb.toString();
        }

        String json() {
            StringBuilder sb = new StringBuilder("{\n");
            sb.append("  \"workload\": ")
                    .append(Comparison.quote(String.format(
                            Locale.ROOT,
                            "unary MatchAndAssign open loop %d calls/s over 1 channel, from a fresh start",
                            options.rps())))
                    .append(",\n");
            sb.append("  \"rps\": ").append(options.rps()).append(",\n");
            sb.append("  \"calls\": ").append(options.calls()).append(",\n");
            sb.append("  \"again_after_seconds\": ")
                    .append(Comparison.number(laterAfterSeconds))
                    .append(",\n");
            sb.append("  \"ready_to_first_call_ms\": ")
                    .append(Comparison.number(readyToFirstMillis))
                    .append(",\n");
            sb.append("  \"first\": ");
            Comparison.run(sb, firstPooled());
            sb.append(",\n  \"later\": ");
            Comparison.run(sb, laterPooled());
            sb.append(",\n  \"ratio\": {\"p50\": ")
                    .append(Comparison.number(
                            firstPooled().micros(50) / laterPooled().micros(50)));
            sb.append(", \"p99\": ")
                    .append(Comparison.number(
                            firstPooled().micros(99) / laterPooled().micros(99)));
            sb.append("},\n  \"first_block_p99_us\": [").append(blocks(first)).append("],\n");
            sb.append("  \"later_block_p99_us\": [").append(blocks(later)).append("]\n}\n");
            return sb.toString();
        }

        private static String blocks(List<RunResult> runs) {
            StringBuilder sb = new StringBuilder();
            for (RunResult r : runs) {
                sb.append(sb.length() == 0 ? "" : ", ").append(Comparison.number(r.micros(99)));
            }
            return sb.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = ToolCommandLine.parseOrExit("FirstCalls", USAGE, args, Options::parse);
        if (options == null) {
            return;
        }
        Result result = run(options, System.out);
        long errors = result.firstPooled().errors() + result.laterPooled().errors();
        System.exit(errors == 0 ? 0 : 1);
    }

    static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        LeadRequests leads = LeadRequests.load(options.leads());
        warmClient(options, leads, out);
        out.println(WARM);
        out.flush();
        long ready = awaitReady(options.serverLog());
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        LoadOptions.host(options.target()), LoadOptions.port(options.target()))
                .usePlaintext()
                .build();
        try {
            long startedAt = System.nanoTime();
            List<RunResult> first = blocks(options, channel, leads, "first");
            long againAt = ready + TimeUnit.SECONDS.toNanos(options.againAfterSeconds());
            long wait = againAt - System.nanoTime();
            out.printf(
                    Locale.ROOT,
                    "first %,d calls measured; the same again %d s after ready (in %.0f s)%n",
                    options.calls(),
                    options.againAfterSeconds(),
                    Math.max(0, wait) / 1e9);
            out.flush();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            while (options.againWhen() != null && !Files.exists(options.againWhen())) {
                Thread.sleep(50);
            }
            double laterAfter = (System.nanoTime() - ready) / 1e9;
            List<RunResult> later = blocks(options, channel, leads, "later");
            Result result = new Result(options, (startedAt - ready) / 1e6, laterAfter, first, later);
            out.print(result.table());
            if (options.json() != null) {
                Files.writeString(options.json(), result.json(), StandardCharsets.UTF_8);
                out.println("wrote " + options.json());
            }
            out.flush();
            return result;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static List<RunResult> blocks(Options options, ManagedChannel channel, LeadRequests leads, String name)
            throws InterruptedException {
        LoadOptions load = options.load(options.target());
        long blockNanos = options.block() * 1_000_000_000L / options.rps();
        List<RunResult> runs = new ArrayList<>();
        for (int done = 0; done < options.calls(); done += options.block()) {
            Workload w = new Workload(load, List.of(channel), leads, System::nanoTime);
            runs.add(w.run(name, LeadMatchGrpc.getMatchAndAssignMethod(), null, 0, blockNanos));
            if (w.firstError() != null) {
                System.out.println(name + ": first error: " + w.firstError());
            }
        }
        return runs;
    }

    /** Runs the client's own call path hot (C2) against the echo: 10 s of calls, two in flight. */
    private static void warmClient(Options options, LeadRequests leads, PrintStream out) throws InterruptedException {
        ManagedChannel echo = NettyChannelBuilder.forAddress(
                        LoadOptions.host(options.warmEcho()), LoadOptions.port(options.warmEcho()))
                .usePlaintext()
                .build();
        try {
            LoadOptions load = LoadOptions.parse(
                    "--target", options.warmEcho(),
                    "--leads", options.leads().toString(),
                    "--mode", "closed",
                    "--outstanding", "2",
                    "--channels", "1",
                    "--duration-seconds", "10",
                    "--rounds", "1");
            Workload w = new Workload(load, List.of(echo), leads, System::nanoTime);
            RunResult r = w.run("client warm-up", EchoServer.unaryMethod(), null, 0, TimeUnit.SECONDS.toNanos(10));
            out.printf(
                    Locale.ROOT, "client warm-up against the echo: %,d calls, p50 %.0f µs%n", r.calls(), r.micros(50));
        } finally {
            echo.shutdownNow();
            echo.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until the server's log says it is ready; returns System.nanoTime() then. */
    private static long awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.readString(log, StandardCharsets.UTF_8).contains(READY)) {
                    return System.nanoTime();
                }
            } catch (NoSuchFileException e) {
                // not yet written
            }
            Thread.sleep(5);
        }
        throw new IOException(log + " did not say '" + READY + "' within 600 s");
    }
}
