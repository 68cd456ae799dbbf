package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real sockets, a stream whose client reads nothing makes the server stop pulling its rows once the client's
 * HTTP/2 window and the server's on-ready threshold are full: the server holds a bounded amount for it.
 */
class NettyFlowControlTest {
    private static final int ROWS = 2_000;

    @TempDir
    Path data;

    @Test
    void aClientThatReadsNothingStopsTheServerPullingItsRows() throws Exception {
        LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
        ServerSettings settings = ServerSettings.defaults()
                .withLead(new ServerSettings.Listener("127.0.0.1", 0, null))
                .withAdmin(null);
        NettyListeners listeners = new NettyListeners(settings);
        LeadMatchServer server = new LeadMatchServer(listeners.lead(), null, settings)
                .owning(listeners)
                .serve(engine)
                .start();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .flowControlWindow(64 * 1024)
                .build();
        try {
            SecurityProcessIT.NeverReads reader = new SecurityProcessIT.NeverReads();
            LeadMatchGrpc.newStub(ch).matchAndAssignStream(reader);
            for (int i = 0; i < ROWS; i++) {
                reader.requests.onNext(LeadMatchServerTest.email("n-" + i, "lead@netty-flow-" + i + ".com"));
            }
            long now = SecurityProcessIT.waitUntilIdle(ch);
            System.out.println("rows processed for a client that reads nothing: " + now + " of " + ROWS);
            assertTrue(now < ROWS, "processed " + now);
        } finally {
            ch.shutdownNow();
            server.drain(1_000);
            engine.close();
        }
    }
}
