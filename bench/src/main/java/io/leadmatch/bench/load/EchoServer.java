package io.leadmatch.bench.load;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.server.RequestWindow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a gRPC server that does no work. Same transport (Netty), same builder defaults (executor, flow
 * control) and same stream flow control as LeadMatchServer; it skips parsing the request and answers every call
 * with one fixed, pre-serialized AssignResponse of leadmatch's typical size. Defined with the generic API, so no
 * .proto and no codegen: the server sees bytes, while the client uses the MatchRequest/AssignResponse marshallers
 * and so pays exactly the client costs it pays against leadmatch.
 */
final class EchoServer implements AutoCloseable {
    static final String SERVICE = "leadmatch.bench.Echo";

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

    private final Server server;

    private EchoServer(Server server) {
        this.server = server;
    }

    /** Starts on a free 127.0.0.1 port, answering with {@code response}. */
    static EchoServer start(byte[] response) throws IOException {
        byte[] reply = response.clone();
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(
                        serverSide(unaryMethod()),
                        ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                            out.onNext(reply);
                            out.onCompleted();
                        }))
                .addMethod(
                        serverSide(streamMethod()), ServerCalls.asyncBidiStreamingCall(out -> echoStream(out, reply)))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service)
                .build()
                .start();
        return new EchoServer(server);
    }

    int port() {
        return server.getPort();
    }

    /** The unary method as the client sees it. */
    static MethodDescriptor<MatchRequest, AssignResponse> unaryMethod() {
        return clientSide(MethodDescriptor.MethodType.UNARY, "Echo");
    }

    /** The bidi streaming method as the client sees it. */
    static MethodDescriptor<MatchRequest, AssignResponse> streamMethod() {
        return clientSide(MethodDescriptor.MethodType.BIDI_STREAMING, "EchoStream");
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
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
