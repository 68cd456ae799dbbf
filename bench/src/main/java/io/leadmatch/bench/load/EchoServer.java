package io.leadmatch.bench.load;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.server.LeadMatchServer;
import io.leadmatch.server.RequestWindow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline: a gRPC server that does no work. It skips parsing the request and answers every call with one
 * pre-serialized reply of leadmatch's typical size (the load generator sets it with {@code SetReply} before it
 * measures). Defined with the generic API, so no .proto and no codegen: the server sees bytes, while the client
 * uses the MatchRequest/AssignResponse marshallers and so pays exactly the client costs it pays against leadmatch.
 *
 * <p>Two builds of it ({@link Build}): {@code bare}, the floor, a plain Netty server with a direct executor as
 * grpc-java's own benchmarks run it; and {@code server}, the same service on a {@link LeadMatchServer} (its
 * executor and whatever else its builder sets), so the cost of those settings shows on its own. Both streams use
 * leadmatch's flow control ({@link RequestWindow}, the same window).
 *
 * <p>Runs in its own process ({@code bench/run echo}), like leadmatch, so that the client's JVM is only the client.
 */
final class EchoServer implements AutoCloseable {
    static final String SERVICE = "leadmatch.bench.Echo";

    /** How the echo's server is built. */
    enum Build {
        /** NettyServerBuilder with a direct executor and nothing else: the floor. */
        BARE,
        /** LeadMatchServer's own builder settings, the echo service added to them. */
        SERVER
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final MethodDescriptor<byte[], byte[]> SET_REPLY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "SetReply"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private final Server server;
    private final LeadMatchServer leadmatch;

    private EchoServer(Server server, LeadMatchServer leadmatch) {
        this.server = server;
        this.leadmatch = leadmatch;
    }

    public static void main(String[] args) throws Exception {
        Build build = Build.BARE;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--build":
                    try {
                        build = Build.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        usage("--build must be bare or server, got " + v);
                    }
                    break;
                case "--port":
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        usage("--port wants a number, got " + v);
                    }
                    break;
                default:
                    usage("unknown option " + a);
            }
        }
        EchoServer echo = start(build, port);
        System.out.printf(
                Locale.ROOT,
                "echo (%s) listening on 127.0.0.1:%d%n",
                build.name().toLowerCase(Locale.ROOT),
                echo.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(echo::close, "echo-shutdown"));
        echo.awaitTermination();
    }

    static final String USAGE =
            "usage: bench/run echo [--build bare|server] [--port N]   (127.0.0.1; port 0: a free one)";

    private static void usage(String problem) {
        System.err.println("EchoServer: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    /** Starts on 127.0.0.1:{@code port} (0: a free port), answering with an empty reply until SetReply. */
    static EchoServer start(Build build, int port) throws IOException {
        AtomicReference<byte[]> reply = new AtomicReference<>(new byte[0]);
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(
                        serverSide(unaryMethod()),
                        ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                            out.onNext(reply.get());
                            out.onCompleted();
                        }))
                .addMethod(
                        serverSide(streamMethod()),
                        ServerCalls.asyncBidiStreamingCall(out -> echoStream(out, reply.get())))
                .addMethod(SET_REPLY, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                    reply.set(request);
                    out.onNext(new byte[0]);
                    out.onCompleted();
                }))
                .build();
        ServerBuilder<?> builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(service);
        if (build == Build.BARE) {
            return new EchoServer(builder.directExecutor().build().start(), null);
        }
        LeadMatchServer s = new LeadMatchServer(builder).start();
        return new EchoServer(null, s);
    }

    private void awaitTermination() throws InterruptedException {
        if (leadmatch != null) {
            leadmatch.awaitTermination();
        } else {
            server.awaitTermination();
        }
    }

    int port() {
        return server != null ? server.getPort() : leadmatch.port();
    }

    /** The unary method as the client sees it. */
    static MethodDescriptor<MatchRequest, AssignResponse> unaryMethod() {
        return clientSide(MethodDescriptor.MethodType.UNARY, "Echo");
    }

    /** The bidi streaming method as the client sees it. */
    static MethodDescriptor<MatchRequest, AssignResponse> streamMethod() {
        return clientSide(MethodDescriptor.MethodType.BIDI_STREAMING, "EchoStream");
    }

    /** Sets the reply every later call gets (the client's side of SetReply). */
    static MethodDescriptor<byte[], byte[]> setReplyMethod() {
        return SET_REPLY;
    }

    private static MethodDescriptor<MatchRequest, AssignResponse> clientSide(
            MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<MatchRequest, AssignResponse>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(MatchRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(AssignResponse.getDefaultInstance()))
                .build();
    }

    private static MethodDescriptor<byte[], byte[]> serverSide(MethodDescriptor<?, ?> client) {
        return client.toBuilder(BYTES, BYTES).build();
    }

    /** The same manual flow control as LeadMatchService's stream: the same request window, refilled while writable. */
    private static StreamObserver<byte[]> echoStream(StreamObserver<byte[]> responses, byte[] reply) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) responses;
        RequestWindow flow = RequestWindow.install(out, RequestWindow.DEFAULT_WINDOW);
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] request) {
                out.onNext(reply);
                flow.afterResponse();
            }

            @Override
            public void onError(Throwable t) {
                // client went away; nothing to clean up
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void close() {
        try {
            if (leadmatch != null) {
                leadmatch.drain(5_000);
                return;
            }
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
