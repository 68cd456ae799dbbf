package io.leadmatch.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: LeadMatch, LeadMatchAdmin, the standard health service and server reflection, over whatever
 * transport the given {@link ServerBuilder} makes (Netty in {@code main}, in-process in tests).
 *
 * <p>The server can bind before its engine exists ({@link #LeadMatchServer(ServerBuilder)}, {@link #start()}, then
 * {@link #serve}): {@code main} does so on a thread of its own, so that loading the transport's classes, binding the
 * port and starting it overlap the snapshot load, and health checks answer during the load. Until {@link #serve}, every LeadMatch and LeadMatchAdmin call fails fast
 * with {@code UNAVAILABLE} ("loading the snapshot", which gRPC clients treat as retryable) and health reports
 * {@code NOT_SERVING}. Each method is registered once, up front, behind a handler that forwards to the real one once
 * it is set: a call costs one volatile read more, not a second registry lookup.
 */
public final class LeadMatchServer {
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<Forwarding<?, ?>> methods = new ArrayList<>();
    private volatile boolean started;
    private volatile boolean serving;

    /** A server whose calls wait for an engine: {@link #serve} hands it in (before or after {@link #start()}). */
    @SuppressWarnings("deprecation") // v1alpha reflection: still what many grpcurl versions ask for first
    public LeadMatchServer(ServerBuilder<?> builder) {
        this.server = builder.addService(forwarding(LeadMatchGrpc.getServiceDescriptor()))
                .addService(forwarding(LeadMatchAdminGrpc.getServiceDescriptor()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(io.grpc.protobuf.services.ProtoReflectionService.newInstance())
                .build();
    }

    /** A server for {@code engine}; call {@link #start()} to serve. */
    public LeadMatchServer(ServerBuilder<?> builder, LeadMatchEngine engine) {
        this(builder);
        serve(engine);
    }

    /**
     * Hands in the engine: from now on calls reach the services, and health says {@code SERVING} (once started).
     *
     * @throws IllegalStateException when an engine was handed in already
     */
    public synchronized LeadMatchServer serve(LeadMatchEngine engine) {
        if (serving) {
            throw new IllegalStateException("the server already serves an engine");
        }
        Map<String, ServerMethodDefinition<?, ?>> real = new HashMap<>();
        for (ServerServiceDefinition d :
                List.of(new LeadMatchService(engine).bindService(), new LeadMatchAdminService(engine).bindService())) {
            for (ServerMethodDefinition<?, ?> m : d.getMethods()) {
                real.put(m.getMethodDescriptor().getFullMethodName(), m);
            }
        }
        for (Forwarding<?, ?> f : methods) {
            f.forwardTo(real.get(f.method.getFullMethodName()));
        }
        serving = true;
        if (started) {
            setHealth(ServingStatus.SERVING);
        }
        watchJournal(engine);
        return this;
    }

    /** How often health follows the journal: NOT_SERVING while it cannot write, SERVING again once it can. */
    private static final long JOURNAL_WATCH_MILLIS = 250;

    private volatile boolean draining;

    private void watchJournal(LeadMatchEngine engine) {
        Thread t = new Thread(
                () -> {
                    boolean writable = true;
                    while (!draining) {
                        boolean now = engine.journalUnavailableReason() == null;
                        if (now != writable && started && !draining) {
                            writable = now;
                            setHealth(now ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
                        }
                        try {
                            Thread.sleep(JOURNAL_WATCH_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "health-journal-watch");
        t.setDaemon(true);
        t.start();
    }

    private ServerServiceDefinition forwarding(ServiceDescriptor descriptor) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor);
        for (MethodDescriptor<?, ?> m : descriptor.getMethods()) {
            add(b, m);
        }
        return b.build();
    }

    private <Q, R> void add(ServerServiceDefinition.Builder b, MethodDescriptor<Q, R> m) {
        Forwarding<Q, R> f = new Forwarding<>(m);
        methods.add(f);
        b.addMethod(m, f);
    }

    /** One method's handler: UNAVAILABLE until the real handler is set, then that handler. */
    private static final class Forwarding<Q, R> implements ServerCallHandler<Q, R> {
        final MethodDescriptor<Q, R> method;
        private volatile ServerCallHandler<Q, R> target;

        Forwarding(MethodDescriptor<Q, R> method) {
            this.method = method;
        }

        @SuppressWarnings("unchecked")
        void forwardTo(ServerMethodDefinition<?, ?> real) {
            if (real == null) {
                throw new IllegalStateException("no implementation of " + method.getFullMethodName());
            }
            target = ((ServerMethodDefinition<Q, R>) real).getServerCallHandler();
        }

        @Override
        public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
            ServerCallHandler<Q, R> t = target;
            if (t != null) {
                return t.startCall(call, headers);
            }
            call.close(
                    Status.UNAVAILABLE.withDescription("leadmatch is loading its snapshot; retry shortly"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
    }

    /** Binds and starts the transport; health says SERVING when an engine is in, else NOT_SERVING until it is. */
    public LeadMatchServer start() throws IOException {
        synchronized (this) {
            server.start();
            started = true;
            setHealth(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
        return this;
    }

    private void setHealth(ServingStatus status) {
        health.setStatus("", status);
        health.setStatus(LeadMatchGrpc.SERVICE_NAME, status);
        health.setStatus(LeadMatchAdminGrpc.SERVICE_NAME, status);
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
        draining = true;
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
