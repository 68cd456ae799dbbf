package io.leadmatch.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.index.ChronicleSettings;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.server.LeadMatchServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC load generator for leadmatch, with a bare echo baseline measured in the same run under the identical
 * workload (same leads, channels, in-flight calls, duration), so the report says how much of the latency is
 * leadmatch and how much is gRPC + Netty + loopback. The two sides take turns in alternating rounds, so neither
 * profits from always running second on a warmer JVM. Usage: see {@link LoadOptions#USAGE}.
 *
 * <p>With {@code --self DIR} the real LeadMatchServer runs in this JVM on Netty on a free 127.0.0.1 port; the echo
 * server always runs in this JVM. Traffic never leaves the machine.
 */
public final class LoadGenerator {
    static {
        ChronicleSettings.apply(); // before anything loads Chronicle
    }

    /** Probe calls made before the run to find leadmatch's typical response size. */
    static final int SIZE_PROBES = 101;

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
                System.out.println(LoadOptions.USAGE);
                return;
            }
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        Comparison result;
        try {
            result = run(options, System.out);
        } catch (SnapshotException | IOException | IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(result.ours().errors() + result.echo().errors() == 0 ? 0 : 1);
    }

    /** Measures leadmatch and the echo with {@code options}; prints the table to {@code out} and returns it. */
    static Comparison run(LoadOptions options, PrintStream out)
            throws IOException, SnapshotException, InterruptedException {
        LeadRequests leads = LeadRequests.load(options.leads());
        out.printf("%,d leads from %s%n", leads.size(), options.leads());
        LeadMatchEngine engine = null;
        LeadMatchServer server = null;
        List<ManagedChannel> ourChannels = List.of();
        List<ManagedChannel> echoChannels = List.of();
        EchoServer echo = null;
        try {
            String host = options.targetHost();
            int port = options.targetPort();
            if (options.selfSnapshot() != null) {
                engine = LeadMatchEngine.open(EngineConfig.of(options.selfSnapshot(), null));
                server = new LeadMatchServer(
                                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), engine)
                        .start();
                host = "127.0.0.1";
                port = server.port();
                out.printf("leadmatch serving %s on 127.0.0.1:%d%n", options.selfSnapshot(), port);
            }
            ourChannels = channels(host, port, options.channels());
            byte[] typical = typicalResponse(ourChannels.get(0), leads);
            echo = EchoServer.start(typical);
            echoChannels = channels("127.0.0.1", echo.port(), options.channels());

            Comparison comparison = interleaved(options, out, ourChannels, echoChannels, leads, typical.length);
            out.print(comparison.table());
            if (options.json() != null) {
                Files.writeString(options.json(), comparison.json(options), StandardCharsets.UTF_8);
                out.println("wrote " + options.json());
            }
            out.flush();
            return comparison;
        } finally {
            shutdown(ourChannels);
            shutdown(echoChannels);
            if (echo != null) {
                echo.close();
            }
            if (server != null) {
                server.drain(5_000);
            }
            if (engine != null) {
                engine.close();
            }
        }
    }

    /**
     * Warms both sides up, then measures them in {@code options.rounds()} alternating rounds of
     * duration / rounds each: L E, E L, L E, ... So neither side always runs first (on a warming JVM) or last
     * (on a warm one), and drift of a shared machine during the run falls on both alike.
     */
    private static Comparison interleaved(
            LoadOptions options,
            PrintStream out,
            List<ManagedChannel> ourChannels,
            List<ManagedChannel> echoChannels,
            LeadRequests leads,
            int responseBytes)
            throws InterruptedException {
        long warmup = TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        long slice = TimeUnit.SECONDS.toNanos(options.durationSeconds()) / options.rounds();
        Side ours = new Side(
                "leadmatch",
                ourChannels,
                LeadMatchGrpc.getMatchAndAssignMethod(),
                LeadMatchGrpc.getMatchAndAssignStreamMethod());
        Side echo = new Side("echo", echoChannels, EchoServer.unaryMethod(), EchoServer.streamMethod());
        List<RunResult> ourWarmup = new ArrayList<>();
        List<RunResult> echoWarmup = new ArrayList<>();
        if (warmup > 0) {
            ourWarmup.add(ours.measure(options, leads, out, warmup, 0));
            echoWarmup.add(echo.measure(options, leads, out, warmup, 0));
        }
        List<RunResult> ourRounds = new ArrayList<>();
        List<RunResult> echoRounds = new ArrayList<>();
        StringBuilder order = new StringBuilder();
        for (int r = 0; r < options.rounds(); r++) {
            boolean oursFirst = r % 2 == 0;
            for (Side side : oursFirst ? new Side[] {ours, echo} : new Side[] {echo, ours}) {
                RunResult result = side.measure(options, leads, out, 0, slice);
                (side == ours ? ourRounds : echoRounds).add(result);
                order.append(side == ours ? 'L' : 'E');
            }
        }
        return Comparison.of(
                options.describe(), responseBytes, order.toString(), ourWarmup, ourRounds, echoWarmup, echoRounds);
    }

    /** One side of the comparison: its channels and methods. */
    private record Side(
            String target,
            List<ManagedChannel> channels,
            MethodDescriptor<MatchRequest, AssignResponse> unary,
            MethodDescriptor<MatchRequest, AssignResponse> stream) {
        RunResult measure(LoadOptions options, LeadRequests leads, PrintStream out, long warmupNanos, long measureNanos)
                throws InterruptedException {
            Workload load = new Workload(options, channels, leads, System::nanoTime);
            RunResult result = load.run(target, unary, stream, warmupNanos, measureNanos);
            reportFirstError(out, target, load);
            return result;
        }
    }

    /**
     * Serializes real MatchAndAssign responses for the first leads and returns the median-sized one: the echo
     * answers with it so both servers put the same bytes on the wire.
     */
    private static byte[] typicalResponse(ManagedChannel channel, LeadRequests leads) {
        List<byte[]> sizes = new ArrayList<>();
        for (int i = 0; i < SIZE_PROBES; i++) {
            AssignResponse response = ClientCalls.blockingUnaryCall(
                    channel,
                    LeadMatchGrpc.getMatchAndAssignMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    leads.next());
            sizes.add(response.toByteArray());
        }
        sizes.sort(Comparator.comparingInt(b -> b.length));
        return sizes.get(sizes.size() / 2);
    }

    private static List<ManagedChannel> channels(String host, int port, int count) {
        List<ManagedChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            channels.add(
                    NettyChannelBuilder.forAddress(host, port).usePlaintext().build());
        }
        return channels;
    }

    private static void shutdown(List<ManagedChannel> channels) throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void reportFirstError(PrintStream out, String target, Workload load) {
        if (load.firstError() != null) {
            out.println(target + ": first error: " + load.firstError());
        }
    }
}
