package io.leadmatch.bench.load;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The load generator's command line, parsed and validated once.
 *
 * @param targetHost      host of an already running server (null with {@code --self})
 * @param targetPort      its port
 * @param selfSnapshot    snapshot directory for an in-process server (null with {@code --target})
 * @param leads           leads.csv (request_id,email,website,company,country,state)
 * @param mode            closed or open loop
 * @param rps             open loop: total intended calls per second over all channels
 * @param channels        gRPC channels (one TCP connection each)
 * @param outstanding     closed loop and streaming: calls (or stream messages) in flight per channel
 * @param durationSeconds measured seconds per side, split over the rounds
 * @param warmupSeconds   unmeasured seconds per side before the first round
 * @param rounds          measured rounds per side, alternating which side goes first
 * @param rpc             unary MatchAndAssign or the MatchAndAssignStream
 * @param json            optional JSON report file
 * @param echo            host:port of a running bare echo ({@code bench/run echo}); null: one in this JVM
 * @param echoServer      host:port of a running echo on the server's builder ({@code bench/run echo --build
 *                        server}); null: one in this JVM, unless {@code echo} is given
 */
record LoadOptions(
        String targetHost,
        int targetPort,
        Path selfSnapshot,
        Path leads,
        Mode mode,
        int rps,
        int channels,
        int outstanding,
        int durationSeconds,
        int warmupSeconds,
        int rounds,
        Rpc rpc,
        Path json,
        String echo,
        String echoServer) {

    enum Mode {
        CLOSED,
        OPEN
    }

    enum Rpc {
        UNARY,
        STREAM
    }

    static final int DEFAULT_CHANNELS = 2;
    static final int DEFAULT_OUTSTANDING = 16;
    static final int DEFAULT_RPS = 5_000;
    static final int DEFAULT_DURATION_SECONDS = 30;
    static final int DEFAULT_WARMUP_SECONDS = 10;
    static final int DEFAULT_ROUNDS = 4;

    static final String USAGE = String.join(
            "\n",
            "usage: LoadGenerator (--target host:port | --self DIR) --leads leads.csv [--mode closed|open] [--rps N]",
            "                     [--channels C] [--outstanding K] [--duration-seconds S] [--warmup-seconds W]",
            "                     [--rounds R] [--rpc unary|stream] [--json out.json]",
            "  --target host:port  a running leadmatch on localhost (traffic never leaves the machine)",
            "  --self DIR          start leadmatch in-process on Netty with snapshot DIR",
            "  --mode              closed: C x K calls in flight; open: --rps calls (or stream messages)/s at fixed",
            "                      intended times, latency from the intended start. Default closed",
            "  --rps N             open loop rate over all channels (default " + DEFAULT_RPS + ")",
            "  --channels C        gRPC channels (default " + DEFAULT_CHANNELS + ")",
            "  --outstanding K     calls or stream messages in flight per channel (default " + DEFAULT_OUTSTANDING
                    + ")",
            "  --duration-seconds  measured seconds per side (default " + DEFAULT_DURATION_SECONDS + ")",
            "  --warmup-seconds    unmeasured seconds per side first (default " + DEFAULT_WARMUP_SECONDS + ")",
            "  --rounds R          the measured time in R rounds per side, alternating LE EL LE ... (default "
                    + DEFAULT_ROUNDS + ")",
            "  --rpc               unary (MatchAndAssign) or stream (MatchAndAssignStream); default unary",
            "  --json FILE         also write the results as JSON",
            "  --echo host:port    a running bare echo (bench/run echo) as the floor; default: one in this JVM",
            "  --echo-server host:port  a running echo on leadmatch's own builder settings (bench/run echo --build"
                    + " server)",
            "Baselines measured with the same workload, rounds interleaved: the bare echo (grpc-java, direct executor,",
            "response of AssignResponse size) and the echo on leadmatch's builder settings. Without --echo both run in",
            "this JVM; with --echo only the given ones.");

    LoadOptions {
        if ((targetHost == null) == (selfSnapshot == null)) {
            throw new IllegalArgumentException("give exactly one of --target host:port and --self DIR");
        }
        if (targetHost != null && !isLoopback(targetHost)) {
            throw new IllegalArgumentException("--target must be localhost or 127.0.0.1 (got " + targetHost + ")");
        }
        if (targetHost != null && (targetPort <= 0 || targetPort > 65_535)) {
            throw new IllegalArgumentException("--target port must be 1..65535, got " + targetPort);
        }
        if (leads == null) {
            throw new IllegalArgumentException("--leads FILE is required");
        }
        positive("--rps", rps);
        positive("--channels", channels);
        positive("--outstanding", outstanding);
        positive("--duration-seconds", durationSeconds);
        if (warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup-seconds must be >= 0, got " + warmupSeconds);
        }
        positive("--rounds", rounds);
        for (String hostPort : new String[] {echo, echoServer}) {
            if (hostPort != null && !isLoopback(hostPort.substring(0, Math.max(0, hostPort.lastIndexOf(':'))))) {
                throw new IllegalArgumentException("an echo must be on localhost (got " + hostPort + ")");
            }
        }
        if ((long) durationSeconds * 1_000 / rounds < 100) {
            throw new IllegalArgumentException(
                    "--rounds " + rounds + " leaves under 100 ms per round of " + durationSeconds + " s");
        }
    }

    static LoadOptions parse(String... args) {
        String targetHost = null;
        int targetPort = 0;
        Path self = null;
        Path leads = null;
        Mode mode = Mode.CLOSED;
        int rps = DEFAULT_RPS;
        int channels = DEFAULT_CHANNELS;
        int outstanding = DEFAULT_OUTSTANDING;
        int duration = DEFAULT_DURATION_SECONDS;
        int warmup = DEFAULT_WARMUP_SECONDS;
        int rounds = DEFAULT_ROUNDS;
        Rpc rpc = Rpc.UNARY;
        Path json = null;
        String echo = null;
        String echoServer = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--target": {
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--target wants host:port, got " + v);
                    }
                    targetHost = v.substring(0, colon);
                    targetPort = number(a, v.substring(colon + 1));
                    break;
                }
                case "--self":
                    self = Path.of(v);
                    break;
                case "--leads":
                    leads = Path.of(v);
                    break;
                case "--mode":
                    mode = choice(Mode.class, a, v);
                    break;
                case "--rps":
                    rps = number(a, v);
                    break;
                case "--channels":
                    channels = number(a, v);
                    break;
                case "--outstanding":
                    outstanding = number(a, v);
                    break;
                case "--duration-seconds":
                    duration = number(a, v);
                    break;
                case "--warmup-seconds":
                    warmup = number(a, v);
                    break;
                case "--rounds":
                    rounds = number(a, v);
                    break;
                case "--rpc":
                    rpc = choice(Rpc.class, a, v);
                    break;
                case "--json":
                    json = Path.of(v);
                    break;
                case "--echo":
                    echo = v;
                    break;
                case "--echo-server":
                    echoServer = v;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new LoadOptions(
                targetHost,
                targetPort,
                self,
                leads,
                mode,
                rps,
                channels,
                outstanding,
                duration,
                warmup,
                rounds,
                rpc,
                json,
                echo,
                echoServer);
    }

    /** The host of {@code host:port}. */
    static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    /** The port of {@code host:port}. */
    static int port(String hostPort) {
        return number("port", hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    String describe() {
        String load = mode == Mode.OPEN
                ? String.format(Locale.ROOT, "open loop %,d calls/s over %d channels", rps, channels)
                : String.format(Locale.ROOT, "closed loop %d channels x %d in flight", channels, outstanding);
        return String.format(
                Locale.ROOT,
                "%s %s, %d s warmup + %d s measured in %d rounds (per side)",
                rpc == Rpc.UNARY ? "unary MatchAndAssign" : "MatchAndAssignStream",
                load,
                warmupSeconds,
                durationSeconds,
                rounds);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    static int number(String option, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants a whole number, got " + value, e);
        }
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + " must be one of "
                + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got " + value);
    }
}
