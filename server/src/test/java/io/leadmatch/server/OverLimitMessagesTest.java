package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: a call closed {@code RESOURCE_EXHAUSTED} from its message's length prefix, while the client is still
 * sending that message, used to stay half-closed on the connection (trailers sent, no {@code RST_STREAM}, no window
 * for the rest of the message); once {@code max_streams_per_connection} such calls had piled up, the client could open
 * no stream on that connection and every later call waited for its deadline. The server now resets a stream it has
 * ended before the client did ({@code RST_STREAM NO_ERROR}, RFC 9113 §8.1).
 *
 * <p>The messages here are larger than the server's stream flow-control window, so the client can never have sent
 * the whole message before the server answers: the situation is reached on every call, not only under load.
 */
class OverLimitMessagesTest {
    private static final int STREAMS = 8;
    private static final int CALLS = 5 * STREAMS;
    private static final int LIMIT = 256 * 1024;
    private static final String OVER = "x".repeat(16 * 1024 * 1024);

    @TempDir
    Path data;

    @TempDir
    Path certs;

    LeadMatchEngine engine;
    LeadMatchServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.drain(1_000);
        }
        if (engine != null) {
            engine.close();
        }
    }

    private void start(ServerSettings.Tls tls) throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
        ServerSettings defaults = ServerSettings.defaults();
        ServerSettings settings = defaults.withLimits(
                        defaults.limits().withMaxStreamsPerConnection(STREAMS).withMaxMessageBytes(LIMIT))
                .withLead(new ServerSettings.Listener("127.0.0.1", 0, tls))
                .withAdmin(new ServerSettings.Listener("127.0.0.1", 0, tls));
        NettyListeners listeners = new NettyListeners(settings);
        server = new LeadMatchServer(listeners.lead(), listeners.admin(), settings)
                .owning(listeners)
                .serve(engine)
                .start();
    }

    @Test
    void overLimitCallsOnOneConnectionNeverUseUpItsStreams() throws Exception {
        start(null);
        check(
                NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                        .usePlaintext()
                        .build(),
                NettyChannelBuilder.forAddress("127.0.0.1", server.adminPort())
                        .usePlaintext()
                        .build());
    }

    @Test
    void overLimitCallsOnOneTlsConnectionNeverUseUpItsStreams() throws Exception {
        assumeTrue(TestCertificates.available(), "the openssl command is not installed");
        TestCertificates ca = new TestCertificates(certs);
        ca.ca("ca");
        ca.leaf("server", "ca");
        start(new ServerSettings.Tls(ca.pem("server"), ca.key("server"), null, Duration.ofDays(1)));
        check(tls(server.port(), ca), tls(server.adminPort(), ca));
    }

    private static ManagedChannel tls(int port, TestCertificates ca) throws Exception {
        return NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(ca.pem("ca").toFile())
                        .build())
                .build();
    }

    private static void check(ManagedChannel lead, ManagedChannel admin) {
        try {
            for (int i = 0; i < CALLS; i++) {
                MatchRequest over = LeadMatchServerTest.email("over-" + i, "jane@example-corp.com").toBuilder()
                        .setCompany(OVER)
                        .build();
                assertEquals(
                        Status.Code.RESOURCE_EXHAUSTED,
                        code(() -> LeadMatchGrpc.newBlockingStub(lead)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .matchAndAssign(over)),
                        "over-limit call " + i + " on the lead listener");
                assertEquals(
                        Status.Code.RESOURCE_EXHAUSTED,
                        code(() -> LeadMatchAdminGrpc.newBlockingStub(admin)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .explain(ExplainRequest.newBuilder()
                                        .setAssignmentId(OVER)
                                        .build())),
                        "over-limit call " + i + " on the admin listener");
            }
            assertEquals(
                    LeadMatchServerTest.EXAMPLE_CORP,
                    LeadMatchGrpc.newBlockingStub(lead)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .match(LeadMatchServerTest.email("after", "jane@example-corp.com"))
                            .getAccountId(),
                    "a normal call on the same connection after " + CALLS + " over-limit ones");
        } finally {
            lead.shutdownNow();
            admin.shutdownNow();
        }
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }
}
