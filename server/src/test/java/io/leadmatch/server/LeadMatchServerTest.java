package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AdjustTurnsRequest;
import io.leadmatch.proto.v1.AdjustTurnsResponse;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.AssignmentRule;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.ExplainResponse;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import io.leadmatch.proto.v1.MemberState;
import io.leadmatch.proto.v1.Outcome;
import io.leadmatch.proto.v1.ReloadSnapshotRequest;
import io.leadmatch.proto.v1.ReloadSnapshotResponse;
import io.leadmatch.proto.v1.SetAvailabilityRequest;
import io.leadmatch.proto.v1.SetAvailabilityResponse;
import io.leadmatch.proto.v1.SetOpenLeadsRequest;
import io.leadmatch.proto.v1.SetOpenLeadsResponse;
import io.leadmatch.proto.v1.TeamState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All RPCs over the in-process transport against the real engine on the demo snapshot. */
class LeadMatchServerTest {
    static final String EXAMPLE_CORP = "0015g00000A0001AAA";
    static final String USR01 = "0055g00000USR01AAA";
    static final String USR02 = "0055g00000USR02AAA";

    @TempDir
    Path data;

    LeadMatchEngine engine;
    LeadMatchServer server;
    ManagedChannel channel;
    LeadMatchGrpc.LeadMatchBlockingStub stub;

    static Path demo() {
        return Path.of("../examples/demo").toAbsolutePath().normalize();
    }

    @BeforeEach
    void start() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(demo(), data));
        String name = InProcessServerBuilder.generateName();
        // reloads in these tests read copies of the demo under the test's data directory
        server = LeadMatchServer.inProcess(
                        InProcessServerBuilder.forName(name).directExecutor(),
                        ServerSettings.defaults().withReloadRoots(List.of(data)))
                .serve(engine)
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = LeadMatchGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.drain(1_000);
        engine.close();
    }

    static MatchRequest email(String id, String email) {
        return MatchRequest.newBuilder().setRequestId(id).setEmail(email).build();
    }

    @Test
    void matchAndAssignGivesTheAccountOwner() {
        AssignResponse r = stub.matchAndAssign(email("req-1", "jane@WWW.example-corp.com"));
        assertEquals("req-1", r.getRequestId());
        assertEquals(Outcome.MATCHED, r.getMatch().getOutcome());
        assertEquals(EXAMPLE_CORP, r.getMatch().getAccountId());
        assertEquals("example-corp.com", r.getMatch().getDomain());
        assertEquals("example-corp.com", r.getMatch().getMatchedDomain());
        assertEquals(USR01, r.getAssigneeId());
        assertEquals(AssignmentRule.ACCOUNT_OWNER, r.getRule());
        assertFalse(r.getAssignmentId().isEmpty());
        assertFalse(r.getExplanation().isEmpty());
        assertFalse(r.getMatch().getReason().isEmpty());
    }

    @Test
    void aRequestIdReusedForAnotherLeadIsRefusedNamingTheOriginal() {
        AssignResponse first = stub.matchAndAssign(email("dup-1", "jane@example-corp.com"));
        AssignResponse retry = stub.matchAndAssign(email("dup-1", " Jane@Example-Corp.com "));
        assertEquals(first.getAssignmentId(), retry.getAssignmentId(), "the same lead: a retry");
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.matchAndAssign(email("dup-1", "someone@totally-new-domain.com")));
        assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains(first.getAssignmentId()),
                e.getStatus().getDescription());
    }

    @Test
    void aRequestIdReusedForAnotherLeadOnTheStreamIsAnInvalidRow() throws Exception {
        List<MatchRequest> requests = List.of(
                email("s-dup", "jane@example-corp.com"),
                email("s-dup", "jane@example-corp.com"),
                email("s-dup", "bob@gmail.com"),
                email("s-other", "bob@gmail.com"));
        List<AssignResponse> responses = stream(requests);
        assertEquals(4, responses.size());
        assertEquals(responses.get(0).getAssignmentId(), responses.get(1).getAssignmentId());
        AssignResponse refused = responses.get(2);
        assertEquals(Outcome.INVALID, refused.getMatch().getOutcome());
        assertTrue(refused.getMatch().getReason().contains(responses.get(0).getAssignmentId()), refused.toString());
        assertTrue(refused.getAssignmentId().isEmpty(), "no assignment next to the refusal");
        assertEquals(AssignmentRule.UNASSIGNED, refused.getRule());
        assertEquals(Outcome.FREE_EMAIL, responses.get(3).getMatch().getOutcome());
    }

    /** Sends {@code requests} on one MatchAndAssignStream and returns the responses once it completes. */
    List<AssignResponse> stream(List<MatchRequest> requests) throws InterruptedException {
        List<AssignResponse> responses = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        StreamObserver<MatchRequest> in = LeadMatchGrpc.newStub(channel).matchAndAssignStream(new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error[0] = t;
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        requests.forEach(in::onNext);
        in.onCompleted();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertNull(error[0]);
        return responses;
    }

    @Test
    void matchIsReadOnly() {
        MatchResponse r = stub.match(email("m-1", "someone@totally-new-domain.com"));
        assertEquals(Outcome.NEW_ACCOUNT, r.getOutcome());
        assertEquals("m-1", r.getRequestId());
        MatchResponse again = stub.match(email("m-2", "other@totally-new-domain.com"));
        assertEquals(Outcome.NEW_ACCOUNT, again.getOutcome(), "Match must not register the provisional account");
        assertEquals(r.getAccountId(), again.getAccountId());
    }

    @Test
    void freeEmailAndGarbage() {
        assertEquals(
                Outcome.FREE_EMAIL, stub.match(email("f", "jane.doe@gmail.com")).getOutcome());
        MatchResponse bad = stub.match(email("g", "%%% not an address"));
        assertEquals(Outcome.INVALID, bad.getOutcome());
        assertFalse(bad.getReason().isEmpty());
        MatchResponse empty =
                stub.match(MatchRequest.newBuilder().setRequestId("e").build());
        assertEquals(Outcome.INVALID, empty.getOutcome());
        assertTrue(empty.getReason().contains("no email"), empty.getReason());
    }

    @Test
    void streamAnswersInOrderAndSurvivesABadRow() throws Exception {
        List<MatchRequest> requests = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String e = switch (i % 5) {
                case 0 -> "jane@example-corp.com";
                case 1 -> "x" + i + "@new-co-" + i + ".com";
                case 2 -> "\u0000\uD800 garbage @@";
                case 3 -> "bob@gmail.com";
                default -> "amy@fabrikam.com";
            };
            requests.add(email("row-" + i, e));
        }
        List<AssignResponse> responses = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        StreamObserver<MatchRequest> in = LeadMatchGrpc.newStub(channel).matchAndAssignStream(new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error[0] = t;
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        requests.forEach(in::onNext);
        in.onCompleted();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertNull(error[0]);
        assertEquals(requests.size(), responses.size());
        for (int i = 0; i < requests.size(); i++) {
            AssignResponse r = responses.get(i);
            assertEquals("row-" + i, r.getRequestId(), "responses in request order");
            Outcome expected = switch (i % 5) {
                case 0 -> Outcome.MATCHED;
                case 1 -> Outcome.NEW_ACCOUNT;
                case 2 -> Outcome.INVALID;
                case 3 -> Outcome.FREE_EMAIL;
                default -> Outcome.MATCHED;
            };
            assertEquals(
                    expected,
                    r.getMatch().getOutcome(),
                    "row " + i + ": " + r.getMatch().getReason());
        }
    }

    @Test
    void reflectionListsTheServicesAsGrpcurlAsksForThem() throws Exception {
        List<String> services = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        r.getListServicesResponse().getServiceList().forEach(x -> services.add(x.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        req.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(
                services.containsAll(
                        List.of("leadmatch.v1.LeadMatch", "leadmatch.v1.LeadMatchAdmin", "grpc.health.v1.Health")),
                services.toString());
    }

    @Test
    void healthIsServing() {
        HealthCheckResponse h = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
        HealthCheckResponse s = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder()
                        .setService(LeadMatchGrpc.SERVICE_NAME)
                        .build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, s.getStatus());
    }

    /**
     * A server started before its engine (what {@code main} does while the snapshot loads): health says NOT_SERVING,
     * every LeadMatch and LeadMatchAdmin call fails fast with UNAVAILABLE (retryable), reflection answers; once the
     * engine is handed in, the same channel gets real answers and health says SERVING.
     */
    @Test
    void aServerStartedBeforeItsEngineAnswersUnavailableUntilServing() throws Exception {
        String name = InProcessServerBuilder.generateName();
        LeadMatchServer early =
                new LeadMatchServer(InProcessServerBuilder.forName(name).directExecutor()).start();
        ManagedChannel ch =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            var health = HealthGrpc.newBlockingStub(ch);
            assertEquals(
                    HealthCheckResponse.ServingStatus.NOT_SERVING,
                    health.check(HealthCheckRequest.newBuilder().build()).getStatus());
            var loading = assertThrows(
                    StatusRuntimeException.class,
                    () -> LeadMatchGrpc.newBlockingStub(ch).matchAndAssign(email("early-1", "jane@example-corp.com")));
            assertEquals(Status.Code.UNAVAILABLE, loading.getStatus().getCode());
            assertTrue(
                    loading.getStatus().getDescription().contains("loading"),
                    loading.getStatus().toString());
            var admin = assertThrows(
                    StatusRuntimeException.class,
                    () -> LeadMatchAdminGrpc.newBlockingStub(ch)
                            .getTeamState(GetTeamStateRequest.newBuilder()
                                    .setTeamId("inbound-sdr")
                                    .build()));
            assertEquals(Status.Code.UNAVAILABLE, admin.getStatus().getCode());

            early.serve(engine);
            AssignResponse r =
                    LeadMatchGrpc.newBlockingStub(ch).matchAndAssign(email("early-1", "jane@example-corp.com"));
            assertEquals(USR01, r.getAssigneeId());
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder()
                                    .setService(LeadMatchGrpc.SERVICE_NAME)
                                    .build())
                            .getStatus());
            assertThrows(IllegalStateException.class, () -> early.serve(engine), "one engine per server");
        } finally {
            ch.shutdownNow();
            early.drain(1_000);
        }
    }

    @Test
    void teamStateCountsRoundRobinAssignments() {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        long before = admin.getTeamState(GetTeamStateRequest.newBuilder()
                        .setTeamId("inbound-sdr")
                        .build())
                .getTotalAssigned();
        for (int i = 0; i < 12; i++) {
            AssignResponse r = stub.matchAndAssign(email("rr-" + i, "lead@rr-company-" + i + ".com"));
            assertEquals(AssignmentRule.ROUND_ROBIN, r.getRule());
            assertEquals("inbound-sdr", r.getTeamId());
        }
        TeamState t = admin.getTeamState(
                GetTeamStateRequest.newBuilder().setTeamId("inbound-sdr").build());
        assertEquals(before + 12, t.getTotalAssigned());
        long sum = t.getMembersList().stream().mapToLong(m -> m.getAssigned()).sum();
        assertEquals(t.getTotalAssigned(), sum);
        t.getMembersList().forEach(m -> assertTrue(Math.abs(m.getLag()) < 1.0, m.toString()));

        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.getTeamState(
                        GetTeamStateRequest.newBuilder().setTeamId("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        StatusRuntimeException missing = assertThrows(
                StatusRuntimeException.class, () -> admin.getTeamState(GetTeamStateRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, missing.getStatus().getCode());
    }

    @Test
    void reloadSwapsAndKeepsCounters() throws Exception {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        stub.matchAndAssign(email("a", "lead@before-reload.com"));
        long before = admin.getTeamState(GetTeamStateRequest.newBuilder()
                        .setTeamId("inbound-sdr")
                        .build())
                .getTotalAssigned();
        ReloadSnapshotResponse r = admin.reloadSnapshot(ReloadSnapshotRequest.getDefaultInstance());
        assertTrue(r.getAccounts() > 300, r.toString());
        assertEquals(2, r.getGeneration());
        assertEquals(
                before,
                admin.getTeamState(GetTeamStateRequest.newBuilder()
                                .setTeamId("inbound-sdr")
                                .build())
                        .getTotalAssigned(),
                "counters carry over a reload");
        assertEquals(
                Outcome.MATCHED, stub.match(email("b", "jane@example-corp.com")).getOutcome());
    }

    @Test
    void failedReloadLeavesServingStateUntouched() throws Exception {
        Path broken = Files.createDirectories(data.resolve("broken"));
        for (String f : List.of("User.csv", "Account.csv", "routing.yaml")) {
            Files.copy(demo().resolve(f), broken.resolve(f));
        }
        Files.writeString(
                broken.resolve("Account.csv"),
                "\"Id\",\"Name\",\"Website\",\"OwnerId\"\n" + "\"001x\",\"Unterminated,\"acme.com\",\"005\"\n");
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.reloadSnapshot(ReloadSnapshotRequest.newBuilder()
                        .setSnapshotDir(broken.toString())
                        .build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("Account.csv:2"),
                e.getStatus().getDescription());
        assertEquals(
                EXAMPLE_CORP, stub.match(email("c", "jane@example-corp.com")).getAccountId());
    }

    @Test
    void concurrentMatchAndAssignDuringRepeatedReloadRpcsNeverFails() throws Exception {
        Path a = copyOfDemo(data.resolve("a"));
        Path b = copyOfDemo(data.resolve("b"));
        Path accounts = b.resolve("Account.csv");
        String row = "\"" + EXAMPLE_CORP + "\",\"Example Corp\",\"https://www.example-corp.com/\",\"";
        Files.writeString(accounts, Files.readString(accounts).replace(row + USR01, row + USR02));
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        AtomicBoolean done = new AtomicBoolean();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong calls = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int worker = t;
            Thread w = new Thread(
                    () -> {
                        long lastTotal = 0;
                        try {
                            for (long i = 0; !done.get(); i++) {
                                if (i % 2 == 0) {
                                    AssignResponse r = stub.matchAndAssign(email("", "jane@example-corp.com"));
                                    assertEquals(EXAMPLE_CORP, r.getMatch().getAccountId());
                                    assertTrue(
                                            r.getAssigneeId().equals(USR01)
                                                    || r.getAssigneeId().equals(USR02),
                                            r.toString());
                                } else {
                                    AssignResponse r =
                                            stub.matchAndAssign(email("", "lead@rr-" + worker + "-" + i + ".com"));
                                    assertEquals(AssignmentRule.ROUND_ROBIN, r.getRule());
                                    long total = admin.getTeamState(GetTeamStateRequest.newBuilder()
                                                    .setTeamId("inbound-sdr")
                                                    .build())
                                            .getTotalAssigned();
                                    assertTrue(total > lastTotal, "team total went from " + lastTotal + " to " + total);
                                    lastTotal = total;
                                }
                                calls.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    },
                    "rpc-" + t);
            w.start();
            workers.add(w);
        }
        try {
            for (int r = 0; r < 6; r++) {
                ReloadSnapshotResponse resp = admin.reloadSnapshot(ReloadSnapshotRequest.newBuilder()
                        .setSnapshotDir((r % 2 == 0 ? b : a).toString())
                        .build());
                assertEquals(r + 2, resp.getGeneration());
                assertEquals(
                        r % 2 == 0 ? USR02 : USR01,
                        stub.matchAndAssign(email("", "jane@example-corp.com")).getAssigneeId());
            }
        } finally {
            done.set(true);
            for (Thread w : workers) {
                w.join(30_000);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failed calls, first: " + failures.peek());
        assertTrue(calls.get() > 10, "too few calls during the reloads: " + calls.get());
    }

    private static Path copyOfDemo(Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(demo())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        return target;
    }

    static MemberState member(TeamState t, String userId) {
        return t.getMembersList().stream()
                .filter(m -> m.getUserId().equals(userId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void explainReturnsTheJournaledDecision() {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        AssignResponse r = stub.matchAndAssign(email("explain-1", "someone@gmail.com"));
        ExplainResponse e = admin.explain(
                ExplainRequest.newBuilder().setAssignmentId(r.getAssignmentId()).build());
        assertEquals(r.getAssignmentId(), e.getAssignmentId());
        assertEquals("explain-1", e.getRequestId());
        assertEquals(Outcome.FREE_EMAIL, e.getOutcome());
        assertEquals(r.getAssigneeId(), e.getAssigneeId());
        assertEquals(r.getRule(), e.getRule());
        assertEquals(1, e.getPicksCount());
        assertEquals(r.getAssigneeId(), e.getPicks(0).getWinnerId());
        assertEquals(e.getPicks(0).getAssignedBefore() + 1, e.getPicks(0).getAssignedAfter());
        assertTrue(e.getPicks(0).getMembersList().stream()
                .anyMatch(m -> m.getPicked() && m.getUserId().equals(r.getAssigneeId())));
        assertTrue(e.getJson().startsWith("{\"seq\":"), e.getJson());

        StatusRuntimeException missing = assertThrows(
                StatusRuntimeException.class,
                () -> admin.explain(ExplainRequest.newBuilder()
                        .setAssignmentId("asg-99999999")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
        StatusRuntimeException empty =
                assertThrows(StatusRuntimeException.class, () -> admin.explain(ExplainRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    }

    @Test
    void setOpenLeadsShowsInTeamStateAndRefusesBadRequests() {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        String owen = "0055g00000USR13AAA";
        SetOpenLeadsResponse r = admin.setOpenLeads(
                SetOpenLeadsRequest.newBuilder().setUserId(owen).setOpenLeads(7).build());
        assertEquals(List.of("inbound-sdr"), r.getTeamIdsList());
        MemberState m = member(
                admin.getTeamState(GetTeamStateRequest.newBuilder()
                        .setTeamId("inbound-sdr")
                        .build()),
                owen);
        assertEquals(7, m.getOpenLeads());
        assertEquals(0, m.getMaxOpen());
        StatusRuntimeException negative = assertThrows(
                StatusRuntimeException.class,
                () -> admin.setOpenLeads(SetOpenLeadsRequest.newBuilder()
                        .setUserId(owen)
                        .setOpenLeads(-1)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> admin.setOpenLeads(SetOpenLeadsRequest.newBuilder()
                        .setUserId("005nobody")
                        .setOpenLeads(1)
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void setAvailabilityAndAdjustTurnsShowInTeamState() {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        String lena = "0055g00000USR10AAA";
        String keiko = "0055g00000USR12AAA";
        long until = System.currentTimeMillis() + 3_600_000;
        SetAvailabilityResponse away = admin.setAvailability(SetAvailabilityRequest.newBuilder()
                .setUserId(lena)
                .setAvailable(false)
                .setUntilMillis(until)
                .setReason("training")
                .build());
        assertEquals(List.of("inbound-sdr"), away.getTeamIdsList());
        assertEquals(until, away.getUntilMillis());

        AdjustTurnsResponse adjusted = admin.adjustTurns(AdjustTurnsRequest.newBuilder()
                .setTeamId("inbound-sdr")
                .setUserId(keiko)
                .setDelta(2)
                .build());
        assertEquals(2, adjusted.getMember().getPendingExtraTurns());

        AssignResponse r = stub.matchAndAssign(email("extra-1", "lead@extra-turn-company.com"));
        assertEquals("inbound-sdr", r.getTeamId());
        assertEquals(keiko, r.getAssigneeId(), "an extra turn is served before the fair pick");

        TeamState t = admin.getTeamState(
                GetTeamStateRequest.newBuilder().setTeamId("inbound-sdr").build());
        MemberState l = member(t, lena);
        assertFalse(l.getAvailable());
        assertEquals(until, l.getUnavailableUntil());
        assertTrue(l.getSkipReason().contains("training"), l.getSkipReason());
        assertEquals(40, l.getDailyCap());
        MemberState k = member(t, keiko);
        assertEquals(1, k.getPendingExtraTurns());
        assertEquals(1, k.getCapUsedToday());
        assertTrue(k.getAvailable());
        assertEquals("", k.getSkipReason());

        admin.setAvailability(SetAvailabilityRequest.newBuilder()
                .setUserId(lena)
                .setAvailable(true)
                .build());
        assertTrue(member(
                        admin.getTeamState(GetTeamStateRequest.newBuilder()
                                .setTeamId("inbound-sdr")
                                .build()),
                        lena)
                .getAvailable());
    }

    @Test
    void availabilityAndAdjustmentErrorsAreStatusCodes() {
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        String lena = "0055g00000USR10AAA";
        record Case(Status.Code code, String message, Runnable call) {}
        List<Case> cases = List.of(
                new Case(
                        Status.Code.INVALID_ARGUMENT,
                        "available is required",
                        () -> admin.setAvailability(SetAvailabilityRequest.newBuilder()
                                .setUserId(lena)
                                .build())),
                new Case(
                        Status.Code.NOT_FOUND,
                        "in no team",
                        () -> admin.setAvailability(SetAvailabilityRequest.newBuilder()
                                .setUserId("0055g00000USR27AAA")
                                .setAvailable(false)
                                .build())),
                new Case(
                        Status.Code.INVALID_ARGUMENT,
                        "not in the future",
                        () -> admin.setAvailability(SetAvailabilityRequest.newBuilder()
                                .setUserId(lena)
                                .setAvailable(false)
                                .setUntilMillis(1)
                                .build())),
                new Case(
                        Status.Code.INVALID_ARGUMENT,
                        "until_millis",
                        () -> admin.setAvailability(SetAvailabilityRequest.newBuilder()
                                .setUserId(lena)
                                .setAvailable(false)
                                .setUntilMillis(-5)
                                .build())),
                new Case(
                        Status.Code.NOT_FOUND,
                        "teams:",
                        () -> admin.adjustTurns(AdjustTurnsRequest.newBuilder()
                                .setTeamId("nope")
                                .setUserId(lena)
                                .setDelta(1)
                                .build())),
                new Case(
                        Status.Code.NOT_FOUND,
                        "not a member",
                        () -> admin.adjustTurns(AdjustTurnsRequest.newBuilder()
                                .setTeamId("na-ae")
                                .setUserId(lena)
                                .setDelta(1)
                                .build())),
                new Case(
                        Status.Code.INVALID_ARGUMENT,
                        "positive gives extra turns",
                        () -> admin.adjustTurns(AdjustTurnsRequest.newBuilder()
                                .setTeamId("inbound-sdr")
                                .setUserId(lena)
                                .build())),
                new Case(
                        Status.Code.INVALID_ARGUMENT,
                        "required",
                        () -> admin.adjustTurns(
                                AdjustTurnsRequest.newBuilder().setDelta(1).build())));
        for (Case c : cases) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, c.call()::run);
            assertEquals(c.code(), e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(
                    e.getStatus().getDescription().contains(c.message()),
                    e.getStatus().getDescription());
        }
    }
}
