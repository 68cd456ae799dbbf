package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AccountChangesResponse;
import io.leadmatch.proto.v1.AccountRecord;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.DeleteAccountsRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import io.leadmatch.proto.v1.Outcome;
import io.leadmatch.proto.v1.UpsertAccountsRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UpsertAccounts and DeleteAccounts over the in-process transport; a restart is a new engine and server. */
class AccountChangesRpcTest {
    private static final String NEWCO = "0015g00000NEW01AAA";
    private static final String GLOBEX_GMBH = "0015g00000A0008AAA";
    private static final String USR03 = "0055g00000USR03AAA";
    private static final String USR04 = "0055g00000USR04AAA";

    @TempDir
    Path data;

    private LeadMatchEngine engine;
    private LeadMatchServer server;
    private ManagedChannel channel;
    private LeadMatchGrpc.LeadMatchBlockingStub stub;
    private LeadMatchAdminGrpc.LeadMatchAdminBlockingStub admin;

    private void start() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
        String name = InProcessServerBuilder.generateName();
        server = new LeadMatchServer(InProcessServerBuilder.forName(name).directExecutor(), engine).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = LeadMatchGrpc.newBlockingStub(channel);
        admin = LeadMatchAdminGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
            server.drain(1_000);
            engine.close();
            channel = null;
        }
    }

    private static AccountRecord newco(String owner, String name) {
        return AccountRecord.newBuilder()
                .setId(NEWCO)
                .setName(name)
                .setWebsite("https://newco.io")
                .addOtherDomains("newco.de")
                .setOwnerId(owner)
                .setType("Customer")
                .setBillingCountry("de")
                .build();
    }

    private MatchResponse match(String email) {
        return stub.match(MatchRequest.newBuilder().setEmail(email).build());
    }

    @Test
    void upsertsAndDeletesApplyAtOnceAndSurviveARestart() throws Exception {
        start();
        AccountChangesResponse r = admin.upsertAccounts(UpsertAccountsRequest.newBuilder()
                .addAccounts(newco(USR03, "NewCo"))
                .build());
        assertEquals(1, r.getInserted());
        assertEquals(engine.generation(), r.getGeneration());
        MatchResponse m = match("jane@newco.de");
        assertEquals(Outcome.MATCHED, m.getOutcome());
        assertEquals(NEWCO, m.getAccountId());
        assertEquals("NewCo", m.getAccountName());

        AccountChangesResponse d = admin.deleteAccounts(DeleteAccountsRequest.newBuilder()
                .addAccountIds(GLOBEX_GMBH)
                .addAccountIds("0015g00000ZZZ99AAA")
                .build());
        assertEquals(1, d.getDeleted());
        assertEquals(List.of("0015g00000ZZZ99AAA"), d.getNotFoundList());
        assertEquals(List.of(), match("amy@globex.com").getConflictsList());

        stop();
        start();
        assertEquals(NEWCO, match("jane@newco.io").getAccountId());
        AssignResponse a = stub.matchAndAssign(
                MatchRequest.newBuilder().setEmail("bob@newco.io").build());
        assertEquals(USR03, a.getAssigneeId());
        assertEquals(List.of(), match("amy@globex.com").getConflictsList());
    }

    @Test
    void aBadRowIsInvalidArgumentNamingTheRowAndNothingIsApplied() throws Exception {
        start();
        long gen = engine.generation();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.upsertAccounts(UpsertAccountsRequest.newBuilder()
                        .addAccounts(newco(USR03, "NewCo"))
                        .addAccounts(AccountRecord.newBuilder()
                                .setId("0015g00000NEW02AAA")
                                .setName("Bad")
                                .setWebsite("http://")
                                .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("accounts[1] (id 0015g00000NEW02AAA): website 'http://'"),
                e.getStatus().getDescription());
        assertEquals(Outcome.NEW_ACCOUNT, match("jane@newco.io").getOutcome());
        assertEquals(gen, engine.generation());

        StatusRuntimeException empty = assertThrows(
                StatusRuntimeException.class, () -> admin.deleteAccounts(DeleteAccountsRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    }

    @Test
    void callsDuringBatchesSeeOneWholeBatch() throws Exception {
        start();
        admin.upsertAccounts(UpsertAccountsRequest.newBuilder()
                .addAccounts(newco(USR03, "NewCo-0"))
                .build());
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            while (!done.get()) {
                try {
                    AssignResponse a = stub.matchAndAssign(
                            MatchRequest.newBuilder().setEmail("x@newco.io").build());
                    String name = a.getMatch().getAccountName();
                    int batch = Integer.parseInt(name.substring(name.indexOf('-') + 1));
                    String expected = batch % 2 == 0 ? USR03 : USR04;
                    if (!a.getAssigneeId().equals(expected)) {
                        failures.add(name + " assigned to " + a.getAssigneeId());
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                }
            }
        });
        caller.start();
        for (int i = 1; i <= 20; i++) {
            admin.upsertAccounts(UpsertAccountsRequest.newBuilder()
                    .addAccounts(newco(i % 2 == 0 ? USR03 : USR04, "NewCo-" + i))
                    .build());
        }
        done.set(true);
        caller.join();
        assertTrue(failures.isEmpty(), failures.toString());
    }
}
