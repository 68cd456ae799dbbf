package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AdjustTurnsRequest;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call the admin service: with a token configured, a call without one is UNAUTHENTICATED and one with another
 * token PERMISSION_DENIED, and nothing changes; without a token, the admin service is served only on loopback
 * listeners (checked over real Netty listeners), and settings that would expose it are refused.
 */
class AdminAuthTest {
    private static final String TOKEN = "s3cret-admin-token-0123456789abcdef";
    private static final String TEAM = "inbound-sdr";
    private static final String KEIKO = "0055g00000USR12AAA";

    @TempDir
    Path data;

    LeadMatchEngine engine;
    LeadMatchServer server;
    ManagedChannel channel;

    @BeforeEach
    void open() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.drain(1_000);
        }
        engine.close();
    }

    private ManagedChannel inProcess(ServerSettings settings) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = LeadMatchServer.inProcess(InProcessServerBuilder.forName(name), settings)
                .serve(engine)
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        return channel;
    }

    static <S extends AbstractStub<S>> S bearer(S stub, String token) {
        Metadata m = new Metadata();
        m.put(BearerAuth.AUTHORIZATION, "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static AdjustTurnsRequest tenThousandTurns() {
        return AdjustTurnsRequest.newBuilder()
                .setTeamId(TEAM)
                .setUserId(KEIKO)
                .setDelta(10_000)
                .build();
    }

    @Test
    void withATokenAnAdminCallWithoutItIsUnauthenticatedAndWithAnotherPermissionDenied() throws Exception {
        ManagedChannel ch = inProcess(ServerSettings.defaults().withAdminToken(Credential.of(TOKEN)));
        var anonymous = LeadMatchAdminGrpc.newBlockingStub(ch);
        var wrong = bearer(anonymous, TOKEN.substring(0, TOKEN.length() - 1) + "X");
        var notBearer = anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(basic()));
        var admin = bearer(anonymous, TOKEN);
        long pendingBefore = pending(admin);

        assertCode(Status.Code.UNAUTHENTICATED, () -> anonymous.adjustTurns(tenThousandTurns()));
        assertCode(Status.Code.UNAUTHENTICATED, () -> notBearer.adjustTurns(tenThousandTurns()));
        assertCode(Status.Code.PERMISSION_DENIED, () -> wrong.adjustTurns(tenThousandTurns()));
        assertCode(Status.Code.PERMISSION_DENIED, () -> bearer(anonymous, "").adjustTurns(tenThousandTurns()));
        assertEquals(pendingBefore, pending(admin), "a refused call changed nothing");

        admin.adjustTurns(tenThousandTurns());
        assertEquals(pendingBefore + 10_000, pending(admin));
        // the lead service and health need no admin token
        LeadMatchGrpc.newBlockingStub(ch).match(LeadMatchServerTest.email("a", "jane@example-corp.com"));
        HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance());
    }

    @Test
    void anOptionalLeadTokenGuardsTheLeadService() throws Exception {
        ManagedChannel ch = inProcess(ServerSettings.defaults()
                .withAdminToken(Credential.of(TOKEN))
                .withLeadToken(Credential.of("lead-token-0123456789abcdef")));
        var lead = LeadMatchGrpc.newBlockingStub(ch);
        var request = LeadMatchServerTest.email("a", "jane@example-corp.com");
        assertCode(Status.Code.UNAUTHENTICATED, () -> lead.match(request));
        assertCode(Status.Code.PERMISSION_DENIED, () -> bearer(lead, TOKEN).match(request));
        assertEquals(
                LeadMatchServerTest.EXAMPLE_CORP,
                bearer(lead, "lead-token-0123456789abcdef").match(request).getAccountId());
        HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance());
    }

    @Test
    void withoutATokenTheAdminServiceIsOnlyOnTheLoopbackAdminListener() throws Exception {
        ServerSettings settings = ServerSettings.defaults()
                .withLead(new ServerSettings.Listener("0.0.0.0", 0, null))
                .withAdmin(new ServerSettings.Listener("127.0.0.1", 0, null));
        NettyListeners listeners = new NettyListeners(settings);
        server = new LeadMatchServer(listeners.lead(), listeners.admin(), settings)
                .owning(listeners)
                .serve(engine)
                .start();
        ManagedChannel lead = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        ManagedChannel admin = NettyChannelBuilder.forAddress("127.0.0.1", server.adminPort())
                .usePlaintext()
                .build();
        try {
            long before = pending(LeadMatchAdminGrpc.newBlockingStub(admin));
            assertCode(
                    Status.Code.UNIMPLEMENTED,
                    () -> LeadMatchAdminGrpc.newBlockingStub(lead).adjustTurns(tenThousandTurns()));
            assertEquals(before, pending(LeadMatchAdminGrpc.newBlockingStub(admin)));
            LeadMatchGrpc.newBlockingStub(lead).match(LeadMatchServerTest.email("a", "jane@example-corp.com"));
            assertCode(
                    Status.Code.UNIMPLEMENTED,
                    () -> LeadMatchGrpc.newBlockingStub(admin)
                            .match(LeadMatchServerTest.email("a", "jane@example-corp.com")));
        } finally {
            lead.shutdownNow();
            admin.shutdownNow();
        }
    }

    @Test
    void settingsThatWouldExposeTheAdminServiceAreRefused() throws Exception {
        ServerSettings open = ServerSettings.defaults().withAdmin(new ServerSettings.Listener("0.0.0.0", 0, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open::validate);
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
        open.withAdminToken(Credential.of(TOKEN)).validate(); // with a token it may listen anywhere
        assertFalse(ServerSettings.defaults().adminOnLeadListener(), "0.0.0.0 lead listener, no token");
        assertTrue(ServerSettings.defaults()
                .withLead(new ServerSettings.Listener("127.0.0.1", 0, null))
                .adminOnLeadListener());
        assertTrue(
                ServerSettings.defaults().withAdminToken(Credential.of(TOKEN)).adminOnLeadListener());
    }

    @Test
    void tokensComeFromAFileOrTheEnvironmentAndWeakOnesAreRefused() throws Exception {
        Path file = Files.writeString(data.resolve("admin.token"), TOKEN + "\n");
        assertTrue(Credential.load(file, Credential.ADMIN_ENV, Map.of()).matches(TOKEN));
        assertTrue(Credential.load(null, Credential.ADMIN_ENV, Map.of(Credential.ADMIN_ENV, TOKEN))
                .matches(TOKEN));
        assertNull(Credential.load(null, Credential.ADMIN_ENV, Map.of()));
        assertFalse(Credential.of(TOKEN).matches(TOKEN + "x"));
        assertFalse(Credential.of(TOKEN).toString().contains(TOKEN), "a credential never prints its token");
        for (String weak : List.of("short", "has a space in it 0123456789")) {
            assertThrows(IllegalArgumentException.class, () -> Credential.of(weak));
        }
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> Credential.load(data.resolve("nope"), Credential.ADMIN_ENV, Map.of()));
        assertTrue(missing.getMessage().contains("cannot read the token file"), missing.getMessage());
    }

    private static Metadata basic() {
        Metadata m = new Metadata();
        m.put(BearerAuth.AUTHORIZATION, "Basic " + TOKEN);
        return m;
    }

    private static long pending(LeadMatchAdminGrpc.LeadMatchAdminBlockingStub admin) {
        return admin
                .getTeamState(GetTeamStateRequest.newBuilder().setTeamId(TEAM).build())
                .getMembersList()
                .stream()
                .filter(m -> m.getUserId().equals(KEIKO))
                .findFirst()
                .orElseThrow()
                .getPendingExtraTurns();
    }

    static void assertCode(Status.Code expected, Supplier<?> call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }
}
