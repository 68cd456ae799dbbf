package io.leadmatch.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server: LeadMatch, LeadMatchAdmin, the standard health service and server reflection, over whatever
 * transport the given {@link ServerBuilder}s make (Netty in {@code main}, in-process in tests). On Netty, the lead
 * service has a listener of its own and the admin service another ({@link ServerSettings}: who may reach which, with
 * what credential, under which limits).
 *
 * <p>The server can bind before its engine exists ({@link #LeadMatchServer(ServerBuilder)}, {@link #start()}, then
 * {@link #serve}): {@code main} does so on a thread of its own, so that loading the transport's classes, binding the
 * port and starting it overlap the snapshot load, and health checks answer during the load. Until {@link #serve}, every LeadMatch and LeadMatchAdmin call fails fast
 * with {@code UNAVAILABLE} ("loading the snapshot", which gRPC clients treat as retryable) and health reports
 * {@code NOT_SERVING}. Each method is registered once, up front, behind a handler that forwards to the real one once
 * it is set: a call costs one volatile read more, not a second registry lookup.
 */
public final class LeadMatchServer {
    private static final Logger LOG = LoggerFactory.getLogger(LeadMatchServer.class);

    private final List<Server> servers = new ArrayList<>();
    private final Server leadServer;
    private final Server adminServer;
    private final ServerSettings settings;
    private final ThrottledLog log = ThrottledLog.of(LOG);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leadmatch-limits");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<Forwarding<?, ?>> methods = new ArrayList<>();
    /** Maps what a handler throws to a status; applied again on the thread an offloaded call runs on. */
    private final ServerInterceptor mapping = StatusMapping.interceptor(log);

    private volatile boolean started;
    private volatile boolean serving;

    /**
     * A server whose calls wait for an engine ({@link #serve} hands it in, before or after {@link #start()}), with
     * every service on one builder and no credentials: for the in-process transport (tests, embedding), where only
     * this JVM can call.
     */
    public LeadMatchServer(ServerBuilder<?> builder) {
        this(builder, null, ServerSettings.defaults().withAdmin(null), true);
    }

    /** A server for {@code engine} (every service on one builder, as {@link #LeadMatchServer(ServerBuilder)}). */
    public LeadMatchServer(ServerBuilder<?> builder, LeadMatchEngine engine) {
        this(builder);
        serve(engine);
    }

    /**
     * As {@link #LeadMatchServer(ServerBuilder)} with the credentials, limits and reload roots of {@code settings}
     * (its listeners are ignored: everything is on {@code builder}).
     */
    static LeadMatchServer inProcess(ServerBuilder<?> builder, ServerSettings settings) {
        return new LeadMatchServer(builder, null, settings.withAdmin(null), true);
    }

    /**
     * The warm-up's server on {@code builder} ({@link NettyListeners#warmUp()}): the lead service only, with the
     * limits of {@code settings} but no per-client rate (its one client is the warm-up, which an operator's rate
     * must not throttle), behind the one-time {@code token} (a loopback port is open to every local user while the
     * warm-up runs), with no admin service.
     */
    static LeadMatchServer warmUp(ServerBuilder<?> builder, ServerSettings settings, Credential token) {
        ServerSettings s = settings.withLead(NettyListeners.WARM_UP)
                .withLeadToken(token)
                .withLimits(settings.limits().withRate(0, 0));
        return new LeadMatchServer(builder, null, s.validate(), false);
    }

    /**
     * A server on the listeners of {@code settings} (validated here): the lead service, health and reflection on
     * {@code lead}, the admin service on {@code admin} (null: none) and, where {@link
     * ServerSettings#adminOnLeadListener()} allows, on {@code lead} too; tokens and limits applied.
     */
    LeadMatchServer(ServerBuilder<?> lead, ServerBuilder<?> admin, ServerSettings settings) {
        this(lead, admin, settings.validate(), settings.adminOnLeadListener());
    }

    @SuppressWarnings("deprecation") // v1alpha reflection: still what many grpcurl versions ask for first
    private LeadMatchServer(
            ServerBuilder<?> lead, ServerBuilder<?> admin, ServerSettings settings, boolean adminOnLead) {
        this.settings = settings;
        dispatch(lead);
        if (admin != null) {
            dispatch(admin);
        }
        ServerServiceDefinition leadService = forwarding(LeadMatchService.DESCRIPTOR);
        ServerServiceDefinition adminService =
                forwarding(StatusMapping.undecodableAsNull(LeadMatchAdminGrpc.getServiceDescriptor()));
        CallLimits limits = new CallLimits(settings.limits(), timer, System::nanoTime);
        ServerInterceptor mapping = this.mapping;
        lead.addService(guarded(leadService, settings.leadToken(), settings.lead(), mapping, limits));
        if (adminOnLead) {
            lead.addService(guarded(adminService, settings.adminToken(), settings.lead(), mapping, limits));
        }
        lead.addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance());
        this.leadServer = lead.build();
        servers.add(leadServer);
        if (admin != null) {
            this.adminServer = admin.addService(
                            guarded(adminService, settings.adminToken(), settings.admin(), mapping, limits))
                    .addService(health.getHealthService())
                    .build();
            servers.add(adminServer);
        } else {
            this.adminServer = null;
        }
    }

    /** {@code service} behind its token (when one is configured and the listener does not require mTLS), limits and the status mapping. */
    private ServerServiceDefinition guarded(
            ServerServiceDefinition service,
            Credential token,
            ServerSettings.Listener listener,
            ServerInterceptor mapping,
            CallLimits limits) {
        // interceptors run last to first: authentication, then limits, then the handler with its status mapping
        return token == null || listener.requiresClientCertificate()
                ? ServerInterceptors.intercept(service, mapping, limits)
                : ServerInterceptors.intercept(
                        service, mapping, limits, new BearerAuth(token, listener.requiresClientCertificate(), log));
    }

    /** Closed with the server, after it terminated (the event loops of its listeners). */
    LeadMatchServer owning(AutoCloseable resource) {
        owned.add(resource);
        return this;
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
        ReloadRoots roots = ReloadRoots.of(settings.reloadRoots(), engine.snapshotDir());
        for (ServerServiceDefinition d : List.of(
                new LeadMatchService(engine, settings.input(), log).bindService(),
                new LeadMatchAdminService(engine, roots).bindService())) {
            for (ServerMethodDefinition<?, ?> m : d.getMethods()) {
                real.put(m.getMethodDescriptor().getFullMethodName(), m);
            }
        }
        for (Forwarding<?, ?> f : methods) {
            boolean blocks =
                    f.method.getServiceName().equals(LeadMatchAdminGrpc.SERVICE_NAME) || engine.waitsForDevice();
            f.forwardTo(real.get(f.method.getFullMethodName()), blocks ? BlockingCalls.EXECUTOR : null, mapping);
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

    /**
     * The executor: a direct one, so a call runs on the transport's event loop that read it, with no hop to another
     * thread and back (the serving path does not block: the journal's {@code batch} and {@code none} policies never
     * wait in the call). What may block runs on {@link BlockingCalls} instead: the admin service (reloads, journal
     * reads) and, with fsync {@code always}, the LeadMatch calls, which wait for the device. The system property
     * {@code leadmatch.executor=pool} selects a fixed pool of one thread per core instead, to measure the difference.
     */
    private static ServerBuilder<?> dispatch(ServerBuilder<?> builder) {
        if ("pool".equals(System.getProperty("leadmatch.executor"))) {
            return builder.executor(
                    BlockingCalls.pool("leadmatch-call-", Runtime.getRuntime().availableProcessors()));
        }
        return builder.directExecutor();
    }

    /** One method's handler: UNAVAILABLE until the real handler is set, then that handler. */
    private static final class Forwarding<Q, R> implements ServerCallHandler<Q, R> {
        final MethodDescriptor<Q, R> method;
        private volatile ServerCallHandler<Q, R> target;
        private volatile Executor offload;
        private volatile ServerInterceptor mapping;

        Forwarding(MethodDescriptor<Q, R> method) {
            this.method = method;
        }

        /** Forwards to {@code real}; with {@code offload}, its listener runs there (serially per call). */
        @SuppressWarnings("unchecked")
        void forwardTo(ServerMethodDefinition<?, ?> real, Executor offload, ServerInterceptor mapping) {
            if (real == null) {
                throw new IllegalStateException("no implementation of " + method.getFullMethodName());
            }
            this.offload = offload;
            this.mapping = mapping;
            target = ((ServerMethodDefinition<Q, R>) real).getServerCallHandler();
        }

        @Override
        public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
            ServerCallHandler<Q, R> t = target;
            if (t != null) {
                Executor o = offload;
                // an offloaded handler throws on the pool's thread: the mapping must close the call there too
                return o == null
                        ? t.startCall(call, headers)
                        : BlockingCalls.offloaded(mapping.interceptCall(call, headers, t), o);
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
            for (Server server : servers) {
                try {
                    server.start();
                } catch (IOException | RuntimeException e) {
                    servers.forEach(Server::shutdownNow);
                    throw e;
                }
            }
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

    /** The bound port of the lead listener (useful with port 0). */
    public int port() {
        return leadServer.getPort();
    }

    /** The bound port of the admin listener; -1 when there is none. */
    int adminPort() {
        return adminServer == null ? -1 : adminServer.getPort();
    }

    /** Schedules {@code task} on the server's timer every {@code period} (TLS file checks); stops with the server. */
    void every(Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
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
        servers.forEach(Server::shutdown);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        boolean clean = true;
        for (Server server : servers) {
            if (!server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                clean = false;
            }
        }
        if (!clean) {
            servers.forEach(Server::shutdownNow);
            for (Server server : servers) {
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        timer.shutdownNow();
        for (AutoCloseable r : owned) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r, e.toString());
            }
        }
        return clean;
    }

    /** Blocks until every listener has terminated. */
    public void awaitTermination() throws InterruptedException {
        for (Server server : servers) {
            server.awaitTermination();
        }
    }
}
