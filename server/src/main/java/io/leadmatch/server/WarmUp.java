package io.leadmatch.server;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the serving path to its compiled form before the server says ready: real MatchAndAssign calls and a
 * MatchAndAssignStream over a loopback TCP connection, to a {@link LeadMatchServer} built like the real lead
 * listener (its channel type, event loops, limits and call chain, {@link NettyListeners#warmUp()}), into the
 * engine's {@link LeadMatchEngine#warmUpTwin twin}. So the socket, HTTP/2, gRPC, protobuf, service and engine code
 * the first real calls run is the code the JIT compiled here (an in-JVM channel would leave the socket path cold and
 * its channel classes would make the compiled code deoptimize at the first real connection), and nothing the
 * warm-up does stays behind: no journal record, no round-robin turn, no cap, no provisional account, no answer. The
 * warm-up's port answers only calls with its one-time token and serves no admin service; it is closed before ready.
 *
 * <p>The leads mix what traffic sends: websites of the snapshot's first accounts (matched; owner, opportunity owner
 * and customer routing), new companies and their repeats (round robin, provisional accounts), free webmail,
 * disposable and malformed addresses, across countries and states (territory rules), and free webmail with an
 * account's name (the company-name fallback: its index, which the server starts building before the warm-up, is
 * then complete before ready, instead of holding up the first real leads that need it).
 */
final class WarmUp {
    /**
     * Unary calls by default: the per-frame transport code reaches C2; on two cores much of the per-call path is
     * still queued for, or held back from, C1's full-profile tier at the end (docs/performance.md).
     */
    static final int DEFAULT_CALLS = 2_000;

    private static final int IN_FLIGHT = 4;
    private static final String[][] PLACES = {
        {"US", "CA"}, {"US", "NY"}, {"US", "TX"}, {"DE", ""}, {"GB", ""}, {"FR", ""}, {"CA", "ON"}, {"", ""}
    };

    private WarmUp() {}

    /** What the warm-up did, for the start-up log; {@code firstCallMillis}: until the first call was answered. */
    record Report(int calls, int streamRows, int errors, long millis, long firstCallMillis) {}

    /**
     * Warms up with {@code calls} unary calls and a stream of a third as many rows, through a listener of {@code
     * listeners} with the limits of {@code settings}; 0 does nothing.
     */
    static Report run(LeadMatchEngine engine, int calls, NettyListeners listeners, ServerSettings settings)
            throws IOException, InterruptedException {
        if (calls <= 0) {
            return new Report(0, 0, 0, 0, 0);
        }
        long started = System.nanoTime();
        List<MatchRequest> leads = leads(engine.servingSnapshotDir());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Metadata authorization = new Metadata();
        authorization.put(BearerAuth.AUTHORIZATION, "Bearer " + token);
        AtomicInteger errors = new AtomicInteger();
        long[] firstAnswered = {0};
        int rows = calls / 3;
        try (LeadMatchEngine twin = engine.warmUpTwin()) {
            LeadMatchServer server = LeadMatchServer.warmUp(listeners.warmUp(), settings, Credential.of(token));
            server.serve(twin);
            server.start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .channelType(NioSocketChannel.class)
                    .eventLoopGroup(listeners.workers())
                    .usePlaintext()
                    .directExecutor()
                    .intercept(MetadataUtils.newAttachHeadersInterceptor(authorization))
                    .build();
            try {
                unary(channel, leads, 1, errors);
                firstAnswered[0] = System.nanoTime();
                unary(channel, leads, calls - 1, errors);
                stream(channel, leads, rows, errors);
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
                server.drain(0);
            }
        }
        return new Report(
                calls,
                rows,
                errors.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                TimeUnit.NANOSECONDS.toMillis(firstAnswered[0] - started));
    }

    private static void unary(ManagedChannel channel, List<MatchRequest> leads, int calls, AtomicInteger errors)
            throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        for (int i = 0; i < calls; i++) {
            slots.acquire();
            ClientCalls.asyncUnaryCall(
                    channel.newCall(LeadMatchGrpc.getMatchAndAssignMethod(), CallOptions.DEFAULT),
                    request(leads, i),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(AssignResponse value) {
                            // the call's work is what counts
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.incrementAndGet();
                            slots.release();
                        }

                        @Override
                        public void onCompleted() {
                            slots.release();
                        }
                    });
        }
        if (!slots.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)) {
            errors.incrementAndGet();
        }
    }

    /** One stream of {@code rows} rows, sent as flow control allows. */
    private static void stream(ManagedChannel channel, List<MatchRequest> leads, int rows, AtomicInteger errors)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<ClientCallStreamObserver<MatchRequest>> requests = new AtomicReference<>();
        AtomicInteger sent = new AtomicInteger();
        ClientCalls.asyncBidiStreamingCall(
                channel.newCall(LeadMatchGrpc.getMatchAndAssignStreamMethod(), CallOptions.DEFAULT),
                new ClientResponseObserver<MatchRequest, AssignResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<MatchRequest> r) {
                        requests.set(r);
                        r.setOnReadyHandler(() -> {
                            while (r.isReady() && sent.get() < rows) {
                                r.onNext(request(leads, sent.getAndIncrement()));
                            }
                            if (sent.get() == rows && sent.compareAndSet(rows, rows + 1)) {
                                r.onCompleted();
                            }
                        });
                    }

                    @Override
                    public void onNext(AssignResponse value) {
                        // counted by the server's flow control
                    }

                    @Override
                    public void onError(Throwable t) {
                        errors.incrementAndGet();
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        if (!done.await(30, TimeUnit.SECONDS)) {
            errors.incrementAndGet();
            requests.get().cancel("warm-up took too long", null);
        }
    }

    private static MatchRequest request(List<MatchRequest> leads, int i) {
        MatchRequest base = leads.get(i % leads.size());
        return base.toBuilder().setRequestId("warm-up-" + i).build();
    }

    /** The warm-up leads: the snapshot's first accounts' websites when it has an Account.csv, and made-up ones. */
    static List<MatchRequest> leads(Path snapshotDir) {
        List<MatchRequest> out = new ArrayList<>();
        for (String[] site : accountWebsites(snapshotDir, 200)) {
            out.add(lead("", site[0], "", site[1], site[2]));
            out.add(lead("info@gmail.com", site[0], "", site[1], site[2]));
        }
        for (int i = 0; i < 200; i++) {
            String[] place = PLACES[i % PLACES.length];
            String company = "warm-up-company-" + (i % 50); // each company seen four times: new, then provisional
            out.add(lead("lead" + i + "@" + company + ".com", "", "", place[0], place[1]));
            out.add(lead("someone" + i + "@gmail.com", "", "", place[0], place[1]));
        }
        for (String[] site : accountWebsites(snapshotDir, 20)) { // the company-name fallback, last: see Main
            out.add(lead("someone@gmail.com", "", site[3], "US", "NY"));
        }
        out.add(lead("x@mailinator.com", "", "", "US", "CA"));
        out.add(lead("not an email", "", "", "", ""));
        out.add(lead("test@test.com", "", "asdf", "US", ""));
        return out;
    }

    private static MatchRequest lead(String email, String website, String company, String country, String state) {
        return MatchRequest.newBuilder()
                .setEmail(email)
                .setWebsite(website)
                .setCompany(company)
                .setCountry(country)
                .setState(state)
                .build();
    }

    /**
     * Website, country, state and name of up to {@code limit} accounts with a website in the export's Account.csv;
     * none on any doubt.
     */
    private static List<String[]> accountWebsites(Path snapshotDir, int limit) {
        List<String[]> sites = new ArrayList<>();
        Path accounts = snapshotDir == null ? null : snapshotDir.resolve("Account.csv");
        if (accounts == null || !Files.isRegularFile(accounts)) {
            return sites;
        }
        try (CsvReader<NamedCsvRecord> csv =
                CsvReader.builder().detectBomHeader(true).ofNamedCsvRecord(accounts, StandardCharsets.UTF_8)) {
            for (NamedCsvRecord r : csv) {
                String website = r.findField("Website").orElse("");
                if (!website.isBlank()) {
                    sites.add(new String[] {
                        website,
                        r.findField("BillingCountry").orElse(""),
                        r.findField("BillingState").orElse(""),
                        r.findField("Name").orElse("")
                    });
                }
                if (sites.size() >= limit) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // the warm-up does without them; the load has already judged the file
        }
        return sites;
    }
}
