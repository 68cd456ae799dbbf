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
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * gRPC load generator for leadmatch, with echo baselines measured in the same run under the identical workload
 * (same leads, channels, in-flight calls, duration), so the report says how much of the latency is leadmatch and
 * how much is gRPC + Netty + loopback: the bare grpc-java echo with a direct executor (the floor) and the echo on
 * leadmatch's own builder settings. The sides take turns in rounds whose order reverses every round, so none
 * profits from always running last on a warmer JVM. Usage: see {@link LoadOptions#USAGE}.
 *
 * <p>With {@code --target} leadmatch is a running process ({@code ./leadmatch serve}); with {@code --self DIR}
 * the real LeadMatchServer runs in this JVM on Netty on a free 127.0.0.1 port. The echoes are running processes
 * ({@code --echo}, {@code --echo-server}) or, without them, run in this JVM. Traffic never leaves the machine.
 */
public final class LoadGenerator {
    static {
        ChronicleSettings.apply(); // before anything loads Chronicle
    }

    /** Probe calls made before the run to find leadmatch's typical response size. */
    static final int SIZE_PROBES = 101;

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        LoadOptions options = ToolCommandLine.parseOrExit("LoadGenerator", LoadOptions.USAGE, args, LoadOptions::parse);
        if (options == null) {
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
        long errors = result.sides().stream()
                .mapToLong(side -> side.pooled().errors())
                .sum();
        System.exit(errors == 0 ? 0 : 1);
    }

    /** Measures leadmatch and the baselines with {@code options}; prints the table to {@code out} and returns it. */
    static Comparison run(LoadOptions options, PrintStream out)
            throws IOException, SnapshotException, InterruptedException {
        LeadRequests leads = LeadRequests.load(options.leads());
        out.printf("%,d leads from %s%n", leads.size(), options.leads());
        LeadMatchEngine engine = null;
        LeadMatchServer server = null;
        List<List<ManagedChannel>> allChannels = new ArrayList<>();
        List<EchoServer> echoes = new ArrayList<>();
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
            List<ManagedChannel> ourChannels = channels(host, port, options.channels());
            allChannels.add(ourChannels);
            byte[] typical = typicalResponse(ourChannels.get(0), leads);
            List<Side> sides = new ArrayList<>();
            sides.add(new Side(
                    "leadmatch",
                    'L',
                    ourChannels,
                    LeadMatchGrpc.getMatchAndAssignMethod(),
                    LeadMatchGrpc.getMatchAndAssignStreamMethod()));
            String[][] baselines = {{"echo", "E", options.echo()}, {"echo_server_builder", "B", options.echoServer()}};
            for (String[] b : baselines) {
                String hostPort = b[2];
                if (hostPort == null && options.echo() != null) {
                    continue; // external baselines given: only those
                }
                String echoHost = "127.0.0.1";
                int echoPort;
                if (hostPort == null) {
                    EchoServer echo =
                            EchoServer.start(b[0].equals("echo") ? EchoServer.Build.BARE : EchoServer.Build.SERVER, 0);
                    echoes.add(echo);
                    echoPort = echo.port();
                } else {
                    echoHost = LoadOptions.host(hostPort);
                    echoPort = LoadOptions.port(hostPort);
                }
                List<ManagedChannel> echoChannels = channels(echoHost, echoPort, options.channels());
                allChannels.add(echoChannels);
                ClientCalls.blockingUnaryCall(
                        echoChannels.get(0),
                        EchoServer.setReplyMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                        typical);
                sides.add(new Side(
                        b[0], b[1].charAt(0), echoChannels, EchoServer.unaryMethod(), EchoServer.streamMethod()));
            }
            Comparison comparison = interleaved(options, out, sides, leads, typical.length);
            out.print(comparison.table());
            if (options.json() != null) {
                Files.writeString(options.json(), comparison.json(options), StandardCharsets.UTF_8);
                out.println("wrote " + options.json());
            }
            out.flush();
            return comparison;
        } finally {
            for (List<ManagedChannel> c : allChannels) {
                shutdown(c);
            }
            for (EchoServer echo : echoes) {
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
     * Warms every side up, then measures them in {@code options.rounds()} rounds of duration / rounds each, the
     * order reversed every other round: L E B, B E L, L E B, ... So no side always runs first (on a warming JVM)
     * or last (on a warm one), and drift of a shared machine during the run falls on all alike.
     */
    private static Comparison interleaved(
            LoadOptions options, PrintStream out, List<Side> sides, LeadRequests leads, int responseBytes)
            throws InterruptedException {
        long warmup = TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        long slice = TimeUnit.SECONDS.toNanos(options.durationSeconds()) / options.rounds();
        Map<Side, List<RunResult>> warm = new LinkedHashMap<>();
        Map<Side, List<RunResult>> rounds = new LinkedHashMap<>();
        for (Side side : sides) {
            warm.put(side, new ArrayList<>());
            rounds.put(side, new ArrayList<>());
        }
        if (warmup > 0) {
            for (Side side : sides) {
                warm.get(side).add(side.measure(options, leads, out, warmup, 0));
            }
        }
        StringBuilder order = new StringBuilder();
        for (int r = 0; r < options.rounds(); r++) {
            List<Side> turn = new ArrayList<>(sides);
            if (r % 2 == 1) {
                Collections.reverse(turn);
            }
            for (Side side : turn) {
                rounds.get(side).add(side.measure(options, leads, out, 0, slice));
                order.append(side.letter());
            }
        }
        List<Comparison.Side> measured = new ArrayList<>();
        for (Side side : sides) {
            measured.add(Comparison.Side.of(side.target(), rounds.get(side), warm.get(side)));
        }
        return new Comparison(options.describe(), responseBytes, order.toString(), measured);
    }

    /** One side of the comparison: its channels and methods. */
    private record Side(
            String target,
            char letter,
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
