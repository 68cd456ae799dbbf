package io.leadmatch.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Stream;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

/**
 * Resets ({@code RST_STREAM NO_ERROR}, RFC 9113 §8.1) every stream the server ends while the client has not ended
 * its side, wrapping grpc-java's plaintext or TLS negotiator to reach each connection's HTTP/2 state.
 *
 * <p>Why: grpc-java's Netty server ends a call whose message is over {@code maxInboundMessageSize} with trailers as
 * soon as it has read the 5-byte length prefix, and neither side resets the stream (grpc-java issue 2162). The
 * client, still sending the message, gets no more window for it and can neither finish nor forget the stream; once
 * {@code max_streams_per_connection} such streams pile up, it opens no new stream on that connection and every later
 * call waits for its deadline. The reset frees the stream on both sides; the client has its status from the trailers
 * already, and RFC 9113 says it must not discard the response because of a {@code NO_ERROR} reset.
 *
 * <p>Normal calls are untouched: the client ends its side first, so the stream is half-closed (remote) when the
 * server's trailers close it.
 */
final class ResetEarlyEndedStreams implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator negotiator;

    ResetEarlyEndedStreams(InternalProtocolNegotiator.ProtocolNegotiator negotiator) {
        this.negotiator = negotiator;
    }

    @Override
    public AsciiString scheme() {
        return negotiator.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        ChannelHandler negotiation = negotiator.newHandler(grpcHandler);
        // Takes the negotiation handler's place in the pipeline once it knows the channel: nothing stays in the
        // pipeline, so served frames pass no extra handler.
        return new ChannelHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                grpcHandler.connection().addListener(new Reset(grpcHandler, ctx.channel()));
                ctx.pipeline().replace(this, null, negotiation);
            }
        };
    }

    @Override
    public void close() {
        negotiator.close();
    }

    private static final class Reset extends Http2ConnectionAdapter {
        private final GrpcHttp2ConnectionHandler handler;
        private final Channel channel;

        Reset(GrpcHttp2ConnectionHandler handler, Channel channel) {
            this.handler = handler;
            this.channel = channel;
        }

        @Override
        public void onStreamHalfClosed(Http2Stream stream) {
            if (stream.state() != Http2Stream.State.HALF_CLOSED_LOCAL) {
                return;
            }
            ChannelHandlerContext ctx = channel.pipeline().context(handler);
            if (ctx == null) {
                return;
            }
            int id = stream.id();
            // After the write that ended the stream, not inside Netty's state change.
            ctx.executor().execute(() -> {
                Http2Stream s = handler.connection().stream(id);
                if (s != null && s.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                    // A failed write means the connection is closing, which frees the stream anyway.
                    var unused = handler.resetStream(ctx, id, Http2Error.NO_ERROR.code(), ctx.newPromise());
                    ctx.flush();
                }
            });
        }
    }
}
