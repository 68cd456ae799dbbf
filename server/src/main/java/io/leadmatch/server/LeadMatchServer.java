package io.leadmatch.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: LeadMatch, LeadMatchAdmin, the standard health service and server reflection, over whatever
 * transport the given {@link ServerBuilder} makes (Netty in {@code main}, in-process in tests).
 */
public final class LeadMatchServer {
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();

    /** Registers the services on {@code builder}; call {@link #start()} to serve. */
    @SuppressWarnings("deprecation") // v1alpha reflection: still what many grpcurl versions ask for first
    public LeadMatchServer(ServerBuilder<?> builder, LeadMatchEngine engine) {
        this.server = builder
                .addService(new LeadMatchService(engine))
                .addService(new LeadMatchAdminService(engine))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(io.grpc.protobuf.services.ProtoReflectionService.newInstance())
                .build();
    }

    /**
     * Loads and initializes what serving needs — the Netty transport (its native epoll library is extracted and
     * loaded on first use), the service descriptors, health and reflection — on a background thread, so that this
     * class-loading (~0.5 s) overlaps the snapshot load instead of following it. Nothing is bound or started.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable();
                io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0);
                LeadMatchGrpc.getServiceDescriptor();
                LeadMatchAdminGrpc.getServiceDescriptor();
                new HealthStatusManager().getHealthService();
                ProtoReflectionServiceV1.newInstance();
            } catch (RuntimeException | LinkageError e) {
                // Only a head start: starting the server reports any real problem.
            }
        }, "grpc-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Starts serving and marks every service SERVING. */
    public LeadMatchServer start() throws IOException {
        server.start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(LeadMatchGrpc.SERVICE_NAME, ServingStatus.SERVING);
        health.setStatus(LeadMatchAdminGrpc.SERVICE_NAME, ServingStatus.SERVING);
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    /**
     * Graceful stop: health goes NOT_SERVING, new calls are refused, in-flight calls finish (up to
     * {@code graceMillis}), then the rest are cancelled.
     *
     * @return true when every in-flight call finished within the grace period
     */
    public boolean drain(long graceMillis) throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        if (server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
            return true;
        }
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        return false;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
