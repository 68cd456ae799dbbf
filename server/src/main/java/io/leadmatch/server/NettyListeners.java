package io.leadmatch.server;

import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty server builders for the listeners of {@link ServerSettings}, with its resource limits and TLS applied. Owns
 * the event loops it creates ({@link #close()} after the servers have terminated).
 */
final class NettyListeners implements AutoCloseable {
    private final ServerSettings settings;
    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("grpc-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("grpc-io", true));
    private final List<ReloadingTls> tls = new ArrayList<>();

    NettyListeners(ServerSettings settings) {
        this.settings = settings;
        GrpcTransportLog.install();
    }

    NettyServerBuilder lead() {
        return builder(settings.lead());
    }

    /** The admin listener's builder; null when the settings have none. */
    NettyServerBuilder admin() {
        return settings.admin() == null ? null : builder(settings.admin());
    }

    /**
     * A builder for the warm-up's listener: the lead listener's transport (channel type, event loops, limits,
     * negotiator) on 127.0.0.1 at a free port, in plaintext, so the warm-up compiles the code real connections run.
     */
    NettyServerBuilder warmUp() {
        return builder(WARM_UP);
    }

    /** The warm-up's listener: loopback, a free port, plaintext. */
    static final ServerSettings.Listener WARM_UP = new ServerSettings.Listener("127.0.0.1", 0, null);

    /** The listeners' I/O event loops (the warm-up's client connection runs on them too). */
    EventLoopGroup workers() {
        return workers;
    }

    /** TLS material of every listener built so far (re-read on SIGHUP and when polled). */
    List<ReloadingTls> tls() {
        return List.copyOf(tls);
    }

    private NettyServerBuilder builder(ServerSettings.Listener l) {
        ServerSettings.Limits limits = settings.limits();
        ReloadingTls t = l.tls() == null ? null : new ReloadingTls(l.tls());
        InternalProtocolNegotiator.ProtocolNegotiator negotiator = t == null
                ? InternalProtocolNegotiators.serverPlaintext()
                : InternalProtocolNegotiators.serverTls(t.sslContext());
        NettyServerBuilder b = NettyServerBuilder.forAddress(
                        new InetSocketAddress(l.bind(), l.port()),
                        InternalNettyServerCredentials.create(new ResetEarlyEndedStreams(negotiator)))
                .channelFactory(() -> new ConnectionLimit(limits.maxConnections()))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .maxConcurrentCallsPerConnection(limits.maxStreamsPerConnection())
                .maxConnectionIdle(limits.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTime(limits.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(limits.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(limits.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(false)
                .maxInboundMessageSize(limits.maxMessageBytes())
                .maxInboundMetadataSize(limits.maxMetadataBytes());
        if (t != null) {
            tls.add(t);
        }
        return b;
    }

    @Override
    public void close() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
